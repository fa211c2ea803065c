// Builds what the stages need and starts them: the composition root opens the files (the
// near-duplicate fingerprints, the sentiment calibrations), the stages in src/streams only use them.
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { brandFieldSets } from '../nlp/fields.js';
import { CalibrationStore } from '../nlp/sentiment/calibration.js';
import type { MentionStore } from '../store/types.js';
import { brandMatcher } from '../streams/brands.js';
import { brandToneTargets } from '../streams/brand-targets.js';
import type { Bus } from '../streams/bus/types.js';
import { SqliteFingerprintStore, type FingerprintStore } from '../streams/near-duplicates/index.js';
import { openFingerprints } from './fingerprints.js'; // issue 15 (dedup16)
import { AnalyzePool } from '../streams/analyze-pool.js'; // issue 15 (threads15)
import { STAGES, startStages, type AnalyzeDeps, type RunningStages, type StageName } from '../streams/pipeline.js';
import { alertsStarter } from './alerts-stage.js';
import { IndexWriterThread } from './index-writer.js'; // issue 15 (emb17)
import { EmbeddedMentionStore } from '../store/embedded/store.js';
import { PRIVACY_FILE } from '../privacy/sqlite-ledger.js';
import { startAlertDelivery } from './alert-delivery.js';
import type { AlertStore } from '../alerts/store/types.js';
import type { SuppressionList } from '../privacy/suppression.js';

export interface StageRuntime {
  config: Readonly<Config>;
  bus: Bus;
  /** Needed by the index stage only: an analyze-only worker has none. */
  store?: MentionStore | undefined;
  authorKeySecret: string;
  /** The alerts stage's store; opened from the config when absent (a worker). */
  alertStore?: AlertStore | undefined;
  /** Privacy (issue 14, H4): erased authors (the runtime's PrivacyLedger), dropped by the stages. */
  privacy?: SuppressionList | undefined;
}

/** Starts these stages in this process; `stop()` drains them, then closes what was opened for them. */
export function runStages(runtime: StageRuntime, log: Logger, stages: readonly StageName[] = STAGES): RunningStages {
  const dataDir = resolve(runtime.config.data_dir);
  let fingerprints: FingerprintStore | undefined;
  let analyze: AnalyzeDeps | undefined;
  let pool: AnalyzePool | undefined;
  if (stages.includes('analyze')) {
    // Per-brand sentiment calibrations (`ecoute sentiment calibrate`), re-read when they change.
    const calibrations = new CalibrationStore(dataDir, 5000, (m) => log.warn(m));
    // Near-duplicates are marked against the fingerprints this analyze stage has seen (data_dir/dedup.sqlite),
    // or those every analyze worker shares (issue 15, dedup16: near_duplicates.store).
    fingerprints = openFingerprints(runtime.config) ?? new SqliteFingerprintStore(join(dataDir, 'dedup.sqlite'));
    analyze = {
      languages: runtime.config.languages,
      matchBrands: brandMatcher(runtime.config.brands),
      brandFields: brandFieldSets(runtime.config.brands),
      calibrations: (brand) => calibrations.get(brand),
      brandTargets: brandToneTargets(runtime.config.brands), // issue 16: analysis.sentiment.byBrand
      authorKeySecret: runtime.authorKeySecret,
      keepAuthorHandles: runtime.config.privacy.keep_author_handles,
      fingerprints,
    };
    // Issue 15 (threads15): embedded, the NLP runs in worker threads (bus.analyze_threads).
    const bus = runtime.config.bus;
    if (bus.type === 'embedded' && bus.analyze_threads !== 0) {
      const { config } = runtime;
      // Started on the first large batch: a short `ecoute ingest` never pays for the threads' start.
      analyze.pool = (batch) =>
        (pool ??= new AnalyzePool(
          { languages: config.languages, brands: config.brands, dataDir, authorKeySecret: runtime.authorKeySecret, keepAuthorHandles: config.privacy.keep_author_handles, calibrationReloadMs: 5000 },
          { threads: bus.analyze_threads, onWarning: (m) => log.warn(m) },
        )).analyze(batch);
    }
  }
  // Issue 15 (emb17): the embedded store is written from a thread of its own (bus.index_thread);
  // the main thread's store follows its commits for the API's reads.
  let writer: IndexWriterThread | undefined;
  const busConfig = runtime.config.bus;
  if (stages.includes('index') && busConfig.type === 'embedded' && busConfig.index_thread !== false && runtime.config.store.type === 'embedded' && runtime.store) {
    writer = new IndexWriterThread(
      { storeFile: join(dataDir, 'store.sqlite'), privacyFile: runtime.privacy ? join(dataDir, PRIVACY_FILE) : undefined },
      runtime.store instanceof EmbeddedMentionStore ? runtime.store : undefined,
      (error) => log.warn(`index stage: ${error instanceof Error ? error.message : String(error)}; retrying the batch`, { stage: 'index' }),
    );
  }
  const alerts = stages.includes('alerts') ? alertsStarter(runtime, log) : undefined;
  let running: RunningStages;
  let delivery: RunningStages | undefined;
  try {
    running = startStages(
      {
        bus: runtime.bus,
        store: runtime.store,
        analyze,
        alerts: alerts?.start,
        suppressed: runtime.privacy,
        // Larger transactions cost less a mention (0.25 → 0.21 ms of CPU from 500 to 5,000) and no longer hold the main thread.
        ...(writer && { index: { write: (batch, signal) => writer!.write(batch, signal), maxBatch: 2000 } }),
      },
      log,
      stages,
    );
    // The notify stage (incident events → notifiers), beside the alert engine.
    if (stages.includes('alerts')) delivery = startAlertDelivery(runtime, log);
  } catch (error) {
    void fingerprints?.close();
    void alerts?.close();
    void pool?.close();
    void writer?.close();
    throw error;
  }
  const failed = delivery ? Promise.race([running.failed, delivery.failed]) : running.failed;
  return {
    failed: writer ? Promise.race([failed, writer.failed]) : failed,
    async stop() {
      await running.stop();
      await delivery?.stop();
      await fingerprints?.close();
      await alerts?.close();
      await pool?.close();
      await writer?.close();
    },
  };
}
