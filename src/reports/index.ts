// Reports (issue 13): the numbers (buildReport), their formats (renderReport), the periods, and the
// scheduler that makes and delivers them.
export { buildReport, reportSources, type ReportSources, type ReportRequest } from './build.js';
export { renderReport, parseFormat, reportFileName, CONTENT_TYPES, type RenderedReport } from './render.js';
export { parsePeriod, scheduledPeriod, previousPeriod, PERIOD_FORMS, type Period } from './period.js';
export { REPORT_FORMATS, type ReportFormat, type ReportSchedule } from './config.js';
export type { ReportData, ReportLang } from './model.js';
