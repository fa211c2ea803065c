// Runs stages in this process: `ecoute run` starts all of them, `ecoute ingest` the analyze and
// index stages. Stopping drains: connectors stop fetching first, then each stage finishes and
// commits its in-flight batch, upstream before downstream.
import type { Logger } from '../core/log.js';
import { EcouteError, errorMessage } from '../core/errors.js';
import { diskSpace } from '../core/disk-space.js';
import { isDiskError } from '../core/sqlite.js';
import { join, resolve } from 'node:path';
import { NearDuplicateDetector, SqliteFingerprintStore } from './near-duplicates/index.js';
import { brandFieldSets } from '../nlp/fields.js';
import { CalibrationStore } from '../nlp/sentiment/calibration.js';
import type { Runtime } from '../runtime.js';
import type { MentionStore } from '../store/types.js';
import { brandMatcher } from './brands.js';
import { ANALYZE_GROUP, startAnalyzeStage } from './analyze.js';
import type { Consumer, Offsets } from './bus/types.js';
import { reached } from './bus/types.js';
import { INDEX_GROUP, startIndexStage } from './index-stage.js';

export type StageName = 'analyze' | 'index';
export const STAGES: readonly StageName[] = ['analyze', 'index'];

export interface RunningStages {
  stop(): Promise<void>;
  /** Rejects if a stage stopped on a fatal error. */
  readonly failed: Promise<never>;
}

/** What the stages need: an analyze-only worker has no store. */
export type StageDeps = Pick<Runtime, 'config' | 'bus' | 'authorKeySecret'> & { store?: MentionStore };

export function startStages(runtime: StageDeps, log: Logger, stages: readonly StageName[] = STAGES): RunningStages {
  const started: Consumer[] = [];
  const names: StageName[] = [];
  let fingerprints: SqliteFingerprintStore | undefined;
  // While a data file cannot be written (disk full), that is logged once for all (core/disk-space.ts):
  // the stages retry their batch quietly, with back-off, and resume by themselves.
  const warn = (stage: string) => (error: unknown) => {
    if (isDiskError(error) || diskSpace.anyFailing()) return;
    log.warn(`${stage} stage: ${errorMessage(error)}; retrying the batch`);
  };
  if (stages.includes('analyze')) {
    // Per-brand sentiment calibrations (`ecoute sentiment calibrate`), re-read when they change.
    const calibrations = new CalibrationStore(resolve(runtime.config.data_dir), 5000, (m) => log.warn(m));
    // Near-duplicates are marked against the fingerprints this analyze stage has seen (data_dir/dedup.sqlite).
    fingerprints = new SqliteFingerprintStore(join(resolve(runtime.config.data_dir), 'dedup.sqlite'));
    const duplicates = new NearDuplicateDetector(fingerprints);
    names.push('analyze');
    started.push(
      startAnalyzeStage({
        bus: runtime.bus,
        languages: runtime.config.languages,
        matchBrands: brandMatcher(runtime.config.brands),
        brandFields: brandFieldSets(runtime.config.brands),
        calibrations: (brand) => calibrations.get(brand),
        authorKeySecret: runtime.authorKeySecret,
        keepAuthorHandles: runtime.config.privacy.keep_author_handles,
        onError: warn('analyze'),
        markDuplicates: (analyzed) => duplicates.mark(analyzed),
      }),
    );
  }
  if (stages.includes('index')) {
    if (!runtime.store) throw new Error('the index stage needs a store');
    names.push('index');
    started.push(startIndexStage({ bus: runtime.bus, store: runtime.store, onError: warn('index') }));
  }
  // A consumer retries what may pass (a failed batch, a full disk, a busy file); it ends only on
  // what will not (a data file found damaged): the stage then fails, naming the cause.
  const failed = Promise.race(
    started.map((c, i) =>
      c.done.then(
        () => new Promise<never>(() => undefined),
        (error: unknown) => {
          const stage = names[i];
          if (error instanceof EcouteError) throw new EcouteError(error.code, `the ${stage} stage stopped: ${error.message}`, { cause: error, retriable: error.retriable });
          throw new Error(`the ${stage} stage stopped: ${errorMessage(error)}`, { cause: error });
        },
      ),
    ),
  ) as Promise<never>;
  failed.catch(() => undefined);
  return {
    failed,
    async stop() {
      for (const consumer of started) await consumer.close();
      await fingerprints?.close();
    },
  };
}

/**
 * Resolves once everything on mentions.raw up to now has been analyzed and indexed: the analyze
 * group reached the raw end offsets, then the index group reached the analyzed end offsets as they
 * were at that moment. Works whichever process runs the stages.
 */
export async function waitUntilIndexed(runtime: Pick<Runtime, 'bus'>, options: { signal?: AbortSignal; onProgress?: (indexed: Offsets) => void; pollMs?: number } = {}): Promise<void> {
  const { bus } = runtime;
  const poll = options.pollMs ?? 100;
  const rawEnd = await bus.endOffsets('mentions.raw');
  while (!reached(await bus.committedOffsets('mentions.raw', ANALYZE_GROUP), rawEnd)) {
    options.onProgress?.(await bus.committedOffsets('mentions.analyzed', INDEX_GROUP));
    await sleepUnlessAborted(poll, options.signal);
  }
  const analyzedEnd = await bus.endOffsets('mentions.analyzed');
  while (!reached(await bus.committedOffsets('mentions.analyzed', INDEX_GROUP), analyzedEnd)) {
    options.onProgress?.(await bus.committedOffsets('mentions.analyzed', INDEX_GROUP));
    await sleepUnlessAborted(poll, options.signal);
  }
}

async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new Error('interrupted');
  await new Promise((r) => setTimeout(r, ms));
}
