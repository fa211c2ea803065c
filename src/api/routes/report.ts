// GET /api/brands/:id/report: the brand's report for a period, as HTML, PDF, Markdown or JSON (the
// dashboard's "Report" download). A bad period or format is a 400 naming the parameter.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isEcouteError } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';
import { buildReport, PERIOD_FORMS, parsePeriod, renderReport, reportSources, REPORT_FORMATS } from '../../reports/index.js';
import type { ApiDeps } from '../context.js';
import { knownBrand } from '../context.js';
import { IdParams, jsonSchema, parseParams } from '../params.js';

const ReportQuery = z.strictObject({
  period: z.string().min(1).max(40).optional().describe(`The period: ${PERIOD_FORMS} (default last-7d).`),
  from: z.string().min(1).max(40).optional().describe('Start (YYYY-MM-DD in tz, or ISO 8601), with to instead of period.'),
  to: z.string().min(1).max(40).optional().describe('End, exclusive (YYYY-MM-DD in tz, or ISO 8601).'),
  format: z.enum(REPORT_FORMATS).default('html').describe('html, pdf, md or json.'),
  lang: z.enum(['en', 'fr']).optional().describe("Report language (default: the brand's language)."),
  tz: z
    .string()
    .min(1)
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Paris')
    .default('UTC')
    .describe('Time zone the days, weeks and months are read in (default UTC).'),
});

export async function reportRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/brands/:id/report',
    {
      schema: { summary: "The brand's reputation report for a period (HTML, PDF, Markdown or JSON), as a download", params: jsonSchema(IdParams), querystring: jsonSchema(ReportQuery), security: [{ bearer: [] }], tags: ['brands'] },
      config: { scope: 'read' },
    },
    async (request, reply) => {
      const { id } = parseParams(IdParams, request.params, 'path parameter');
      const brand = knownBrand(deps, id);
      const p = parseParams(ReportQuery, request.query);
      let period;
      try {
        period = parsePeriod({ period: p.period, from: p.from, to: p.to }, Date.now(), p.tz);
      } catch (error) {
        if (!isEcouteError(error, 'REPORT_BAD_PERIOD')) throw error;
        throw new HttpError(400, 'API_BAD_PARAMETER', error.message, { body: { parameter: p.from !== undefined || p.to !== undefined ? (p.from === undefined ? 'from' : 'to') : 'period' } });
      }
      // Without an alert store (an API started without one), the report says "no alerts in this period".
      const data = await buildReport(reportSources(deps.store, deps.brands, deps.alertStore), { brand: brand.id, period, timeZone: p.tz, lang: p.lang });
      const rendered = await renderReport(data, p.format);
      return reply
        .header('content-type', rendered.contentType)
        .header('content-disposition', `attachment; filename="${rendered.fileName}"`)
        .header('cache-control', 'no-store')
        .send(rendered.body);
    },
  );
}
