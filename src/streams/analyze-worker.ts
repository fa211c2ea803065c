// Issue 15 (threads15): one worker thread of the analysis pool (analyze-pool.ts). It rebuilds, once,
// what analysis needs from the frozen config it is given as data (brand matchers, field sets,
// calibrations, the sentiment model loads on first use), then analyzes the chunks of raw records it
// is handed: the same analyzeRecords the in-thread stage runs, each result serialized once, here.
import { workerData } from 'node:worker_threads';
import { mentionBody } from '../core/mention-text.js';
import { brandFieldSets } from '../nlp/fields.js';
import { CalibrationStore } from '../nlp/sentiment/calibration.js';
import { analyzeRecords, toRecord, type AnalyzeStageOptions, type PooledBatch } from './analyze.js';
import { brandMatcher } from './brands.js';
import { brandToneTargets } from './brand-targets.js';
import type { ConsumedRecord } from './bus/types.js';
import type { AnalyzeSetup } from './analyze-pool.js';

const setup = workerData as AnalyzeSetup;
// Re-read when a brand's calibration file changes (`ecoute sentiment calibrate`), as in-thread.
// Its warnings (a calibration file unreadable) go back with the next chunk, for the main thread's log.
let warnings: string[] = [];
const calibrations = new CalibrationStore(setup.dataDir, setup.calibrationReloadMs, (message) => void warnings.push(message));
const options: Omit<AnalyzeStageOptions, 'bus' | 'onError'> = {
  languages: setup.languages,
  matchBrands: brandMatcher(setup.brands),
  brandFields: brandFieldSets(setup.brands),
  calibrations: (brand) => calibrations.get(brand),
  brandTargets: brandToneTargets(setup.brands), // issue 16: analysis.sentiment.byBrand, as in-thread
  authorKeySecret: setup.authorKeySecret,
  keepAuthorHandles: setup.keepAuthorHandles,
};

export default function analyzeChunk(records: ConsumedRecord[]): PooledBatch & { warnings: string[] } {
  const { analyzed, dead, deadAuthors } = analyzeRecords(records, options);
  const said = warnings;
  warnings = [];
  return {
    warnings: said,
    analyzed: analyzed.map((a) => {
      const { key, value, headers } = toRecord(a);
      return { key, value, ...(headers && { headers }), body: mentionBody(a.mention), brands: a.mention.brands, authorKey: a.mention.authorKey };
    }),
    dead,
    deadAuthors,
  };
}
