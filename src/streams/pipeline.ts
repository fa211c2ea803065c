// Runs stages in this process: `ecoute run` starts all of them, `ecoute ingest` the analyze and
// index stages. Stopping drains: connectors stop fetching first, then each stage finishes and
// commits its in-flight batch, upstream before downstream.
import type { Logger } from '../core/log.js';
import { EcouteError, errorMessage, isEcouteError } from '../core/errors.js';
import { diskSpace } from '../core/disk-space.js';
import { isDiskError } from '../core/sqlite.js';
import type { MentionStore } from '../store/types.js';
import { ANALYZE_GROUP, startAnalyzeStage, type AnalyzeStageOptions } from './analyze.js';
import type { Bus, Consumer, Offsets } from './bus/types.js';
import { reached } from './bus/types.js';
import { INDEX_GROUP, startIndexStage, type IndexStageOptions } from './index-stage.js';
import { NearDuplicateDetector, type FingerprintStore } from './near-duplicates/index.js';
import type { SuppressionList } from '../privacy/suppression.js';

// 'alerts' (the engine and the notify stage, src/alerts/) is built by the composition root (src/app/stages.ts).
export type StageName = 'analyze' | 'index' | 'alerts';
export const STAGES: readonly StageName[] = ['analyze', 'index', 'alerts'];

export interface RunningStages {
  stop(): Promise<void>;
  /** Rejects if a stage stopped on a fatal error. */
  readonly failed: Promise<never>;
}

/**
 * What the analyze stage is given, already opened by the composition root (src/app): the stage
 * opens no file itself. Near-duplicates are marked against `fingerprints`.
 */
export type AnalyzeDeps = Omit<AnalyzeStageOptions, 'bus' | 'onError' | 'markDuplicates'> & { fingerprints: FingerprintStore };

/** What the stages need: an analyze-only worker has no store, an index-only one no analysis. */
export interface StageDeps {
  bus: Bus;
  store?: MentionStore | undefined;
  analyze?: AnalyzeDeps | undefined;
  /** Starts the alerts stage (src/alerts, built by the composition root). */
  alerts?: ((onError: (error: unknown) => void) => Consumer) | undefined;
  /** Privacy (issue 14, H4): erased authors, dropped by the analyze and index stages. */
  suppressed?: SuppressionList | undefined;
  /** Issue 15 (emb17): where the index stage writes its batches (the store's writer thread), and how large they are. */
  index?: Pick<IndexStageOptions, 'write' | 'maxBatch'> | undefined;
}

export function startStages(deps: StageDeps, log: Logger, stages: readonly StageName[] = STAGES): RunningStages {
  const started: Consumer[] = [];
  const names: StageName[] = [];
  // While a data file cannot be written (disk full), that is logged once for all (core/disk-space.ts):
  // the stages retry their batch quietly, with back-off, and resume by themselves.
  const warn = (stage: string) => (error: unknown) => {
    if (isDiskError(error) || diskSpace.anyFailing()) return;
    log.warn(`${stage} stage: ${errorMessage(error)}; retrying the batch`, { stage, ...(isEcouteError(error) && { code: error.code }) });
  };
  if (stages.includes('analyze')) {
    if (!deps.analyze) throw new EcouteError('INTERNAL_INVARIANT', 'the analyze stage needs its analysis options');
    const { fingerprints, ...analyze } = deps.analyze;
    const duplicates = new NearDuplicateDetector(fingerprints);
    names.push('analyze');
    started.push(
      startAnalyzeStage({
        ...analyze,
        bus: deps.bus,
        suppressed: deps.suppressed,
        onError: warn('analyze'),
        markDuplicates: (analyzed) => duplicates.mark(analyzed),
      }),
    );
  }
  if (stages.includes('index')) {
    if (!deps.store) throw new EcouteError('INTERNAL_INVARIANT', 'the index stage needs a store');
    names.push('index');
    started.push(startIndexStage({ bus: deps.bus, store: deps.store, suppressed: deps.suppressed, onError: warn('index'), ...deps.index }));
  }
  if (stages.includes('alerts')) {
    if (!deps.alerts) throw new EcouteError('INTERNAL_INVARIANT', 'the alerts stage needs its stores');
    names.push('alerts');
    started.push(deps.alerts(warn('alerts')));
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
          throw new EcouteError('UNEXPECTED', `the ${stage} stage stopped: ${errorMessage(error)}`, { cause: error });
        },
      ),
    ),
  ) as Promise<never>;
  failed.catch(() => undefined);
  return {
    failed,
    async stop() {
      for (const consumer of started) await consumer.close();
    },
  };
}

/**
 * Resolves once everything on mentions.raw up to now has been analyzed and indexed: the analyze
 * group reached the raw end offsets, then the index group reached the analyzed end offsets as they
 * were at that moment. Works whichever process runs the stages.
 */
export async function waitUntilIndexed(runtime: { bus: Bus }, options: { signal?: AbortSignal; onProgress?: (indexed: Offsets) => void; pollMs?: number } = {}): Promise<void> {
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
  if (signal?.aborted) throw new EcouteError('INTERRUPTED', 'interrupted');
  await new Promise((r) => setTimeout(r, ms));
}
