// Issue 15 (threads15): analysis in worker threads, so that the main thread keeps the connectors,
// the HTTP server (webhook, API, dashboard) and the store writes, and a large body being analysed
// never holds a webhook answer. A batch of raw records is cut into chunks shared out between the
// threads (piscina); the chunks' results are put back in batch order, so what is published is what
// the in-thread stage publishes, byte for byte (test/unit/analyze-pool.test.ts).
//
// What the threads need is given as data (the frozen config's brands, languages, the author-key
// secret, where the calibrations are), never as closures: each thread rebuilds its matchers, field
// sets and calibrations from it (analyze-worker.ts). Near-duplicates are not decided here: their
// fingerprint state stays one for the process, on the main thread (analyze.ts publishPooled).
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { BrandConfig } from '../config/schema.js';
import { threadModule } from '../core/thread-module.js';
import type { Lang } from '../core/types.js';
import type { PooledBatch } from './analyze.js';
import type { ConsumedRecord } from './bus/types.js';

/** What each worker thread rebuilds its analysis from: plain data (structured-cloned). */
export interface AnalyzeSetup {
  languages: readonly Lang[];
  brands: readonly BrandConfig[];
  dataDir: string;
  authorKeySecret: string;
  keepAuthorHandles: boolean;
  /** How often a thread looks for changed calibration files (as CalibrationStore in-thread). */
  calibrationReloadMs: number;
}

export interface AnalyzePoolOptions {
  /** Worker threads; default: the machine's cores (os.availableParallelism()). */
  threads?: number | undefined;
  /** Records per task handed to a thread: small enough that the threads finish a batch together. */
  chunkSize?: number | undefined;
  /** A thread's warnings (a calibration file unreadable), for the log. */
  onWarning?: ((message: string) => void) | undefined;
}

export class AnalyzePool {
  readonly threads: number;
  private readonly chunkSize: number;
  private readonly piscina: Piscina;
  private readonly onWarning: (message: string) => void;

  constructor(setup: AnalyzeSetup, options: AnalyzePoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.chunkSize = Math.max(1, options.chunkSize ?? 100);
    this.onWarning = options.onWarning ?? (() => undefined);
    const worker = threadModule(import.meta.url, 'analyze-worker');
    this.piscina = new Piscina({
      filename: worker.filename.href,
      execArgv: worker.execArgv,
      // JSON-safe copy: the frozen config may hold objects a structured clone refuses.
      workerData: JSON.parse(JSON.stringify(setup)) as AnalyzeSetup,
      minThreads: this.threads,
      maxThreads: this.threads,
      // The threads live as long as the stage: rebuilding the analysis costs about a second each.
      idleTimeout: Number.MAX_SAFE_INTEGER,
    });
  }

  /** Analyzes a batch in the threads; results in the batch's order. */
  async analyze(batch: ConsumedRecord[]): Promise<PooledBatch> {
    // At least one chunk per thread, so a small batch still uses every core.
    const size = Math.max(1, Math.min(this.chunkSize, Math.ceil(batch.length / this.threads)));
    const chunks: ConsumedRecord[][] = [];
    for (let i = 0; i < batch.length; i += size) chunks.push(batch.slice(i, i + size));
    const results = (await Promise.all(chunks.map((chunk) => this.piscina.run(chunk)))) as (PooledBatch & { warnings: string[] })[];
    const out: PooledBatch = { analyzed: [], dead: [], deadAuthors: [] };
    for (const r of results) {
      for (const w of r.warnings) this.onWarning(w);
      out.analyzed.push(...r.analyzed);
      out.dead.push(...r.dead);
      out.deadAuthors.push(...r.deadAuthors);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
