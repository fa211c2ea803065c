// The analyze stage: mentions.raw → mentions.analyzed. Each raw mention is analyzed, matched to
// brands and pseudonymized; a record that cannot be read or analyzed goes to the dead-letter topic
// with its offset. The batch is acknowledged only after both writes are durable.
import { z } from 'zod';
import { authorKey, contentHash, mentionId } from '../core/ids.js';
import { mentionBody } from '../core/mention-text.js';
import type { AnalyzedMention, Lang, RawMention } from '../core/types.js';
import { analyzeStrict } from '../nlp/analyze.js';
import type { FieldSet } from '../nlp/fields.js';
import type { Calibration } from '../nlp/sentiment/calibration.js';
import type { BrandMatcher } from './brands.js';
import type { ToneTarget } from '../nlp/sentiment/brand-tone.js';
import type { Bus, BusRecord, ConsumedRecord, Consumer } from './bus/types.js';
import { deadLetterRecord, withMentionId } from './dead-letter.js';
import { EcouteError } from '../core/errors.js';
import { countBatch, timeAnalysis } from '../ops/metrics.js'; // Operations (issue 14, ops14)
import { poisonReason } from './poison.js';
import { logMentionDrop } from '../ops/mention-log.js'; // Operations (issue 14, gaps14): mention_id on drop lines
import type { SuppressionList } from '../privacy/suppression.js';

export const ANALYZE_GROUP = 'ecoute-analyze';

const RawMentionSchema = z.object({
  source: z.string().min(1),
  sourceId: z.string().min(1),
  url: z.string().optional(),
  author: z.object({ id: z.string(), name: z.string(), followers: z.number().optional() }),
  title: z.string().optional(),
  text: z.string(),
  publishedAt: z.string().refine((d) => !Number.isNaN(Date.parse(d)), 'must be an ISO 8601 date'),
  rating: z.number().min(0).max(1).optional(),
  lang: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  raw: z.unknown().optional(),
  contentHash: z.string().optional(),
});

export interface AnalyzeStageOptions {
  bus: Bus;
  languages: readonly Lang[];
  matchBrands: BrandMatcher;
  /**
   * The semantic fields for a mention from the brands it matches (brands' `fields` overrides,
   * see brandFieldSets in nlp/fields.ts); undefined: the shipped fields.
   */
  brandFields?: ((brandIds: readonly string[]) => FieldSet | undefined) | undefined;
  /** A brand's sentiment calibration (data_dir/calibration/<brand>.json), used when a mention is about that brand alone. */
  calibrations?: ((brandId: string) => Calibration | undefined) | undefined;
  /** Issue 16 (per-brand tone): the words locating each brand, for analysis.sentiment.byBrand when a mention names several. */
  brandTargets?: ((brandIds: readonly string[]) => ToneTarget[]) | undefined;
  authorKeySecret: string;
  /**
   * Keep `author` (id, name, followers) in the analyzed mention (privacy.keep_author_handles).
   * Off: the handle stops here, only authorKey goes on (README, Privacy).
   */
  keepAuthorHandles?: boolean | undefined;
  onError?: (error: unknown) => void;
  /** Sets duplicateOf on near-duplicates, in place, before the batch is published (src/streams/near-duplicates). */
  markDuplicates?: ((analyzed: AnalyzedMention[]) => Promise<void>) | undefined;
  /** Privacy (issue 14, H4): erased authors, whose mentions are dropped here (a replay, a re-fetch). */
  suppressed?: SuppressionList | undefined;
  /**
   * Issue 15 (threads15): analysis in worker threads (src/streams/analyze-pool.ts). When set, the
   * batch is analyzed there; near-duplicates, the suppression list and the writes stay here.
   */
  pool?: ((batch: ConsumedRecord[]) => Promise<PooledBatch>) | undefined;
}

/** Issue 15 (threads15): what a worker thread gives back for a batch (analyze-worker.ts). */
export interface PooledBatch {
  /** Each analyzed mention serialized once, with what near-duplicates and privacy need of it. */
  analyzed: { key: string; value: string; headers?: Record<string, string> | undefined; body: string; brands: string[]; authorKey: string }[];
  dead: BusRecord[];
  /** The authorKey of each dead letter whose mention could be read (an erased author's is dropped, as in-thread). */
  deadAuthors: (string | undefined)[];
}

/** The mention ids the publisher writes as record keys (core/ids.ts mentionId). */
const MENTION_ID = /^[0-9a-f]{32}$/;

/**
 * `id`: the mention id when it is already known (the record key the publisher computed it as);
 * computed from source and sourceId otherwise.
 */
export function analyzeMention(raw: RawMention, options: Omit<AnalyzeStageOptions, 'bus' | 'onError'>, id = mentionId(raw.source, raw.sourceId)): AnalyzedMention {
  const body = mentionBody(raw);
  // Brands are matched on the lemmas and language mid-analysis, so that their field overrides
  // apply without a second pass over the text.
  let brands: string[] | undefined;
  const key = authorKey(options.authorKeySecret, raw.source, raw.author.id);
  // author: in a brand query sees what search sees: the key, and the handle only when it is kept.
  const handle = options.keepAuthorHandles === true ? raw.author.name : undefined;
  const matchOnce = (lemmas: readonly string[], lang: string): string[] =>
    (brands ??= options.matchBrands({ mention: raw, body, lemmas, lang, authorKey: key, ...(handle !== undefined && { authorHandle: handle }) }));
  const { brandFields, calibrations, brandTargets } = options;
  const analysis = analyzeStrict(body, {
    ...(raw.lang !== undefined && { lang: raw.lang }),
    ...(raw.rating !== undefined && { rating: raw.rating }),
    languages: options.languages,
    ...(brandFields !== undefined && {
      fields: (lemmas: readonly string[], lang: string) => brandFields(matchOnce(lemmas, lang)),
    }),
    ...(calibrations !== undefined && {
      calibration: (lemmas: readonly string[], lang: string) => {
        const ids = matchOnce(lemmas, lang);
        return ids.length === 1 ? calibrations(ids[0]!) : undefined;
      },
    }),
    // Issue 16: the tone toward each brand, when the mention matches several.
    ...(brandTargets !== undefined && {
      targets: (lemmas: readonly string[], lang: string) => {
        const ids = matchOnce(lemmas, lang);
        return ids.length >= 2 ? brandTargets(ids) : undefined;
      },
    }),
  });
  // Pseudonymization: the handle is replaced by its keyed hash unless the config keeps handles.
  const { author, ...rest } = raw;
  return {
    ...rest,
    ...(options.keepAuthorHandles === true && { author }),
    id,
    // Not matched yet when there are no brand fields, or when the analysis failed before the fields.
    brands: brands ?? matchOnce(analysis.lemmas, analysis.lang),
    analysis,
    authorKey: key,
    analyzedAt: new Date().toISOString(),
    // What the store compares to tell a duplicate from an update (see contentHash in core/ids).
    contentHash: raw.contentHash ?? contentHash({ ...raw, author: raw.author.id }),
  };
}

/** Handles one batch: returns the records to publish downstream and to the dead-letter topic. */
export function analyzeBatch(batch: ConsumedRecord[], options: Omit<AnalyzeStageOptions, 'bus' | 'onError'>): { analyzed: BusRecord[]; dead: BusRecord[] } {
  const { analyzed, dead } = analyzeRecords(batch, options);
  return { analyzed: analyzed.map(toRecord), dead };
}

export interface Analyzed {
  mention: AnalyzedMention;
  headers?: Record<string, string> | undefined;
}

export function toRecord({ mention, headers }: Analyzed): BusRecord {
  return { key: mention.id, value: JSON.stringify(mention), ...(headers && { headers }) };
}

export function analyzeRecords(batch: ConsumedRecord[], options: Omit<AnalyzeStageOptions, 'bus' | 'onError'>): { analyzed: Analyzed[]; dead: BusRecord[]; deadAuthors: (string | undefined)[] } {
  const analyzed: Analyzed[] = [];
  const dead: BusRecord[] = [];
  // Issue 15 (threads15): beside `dead`, the authorKey of a readable mention (see PooledBatch).
  const deadAuthors: (string | undefined)[] = [];
  for (const record of batch) {
    const origin = { topic: record.topic, partition: record.partition, offset: record.offset };
    let raw: RawMention;
    // faults-dist: poison (not UTF-8, oversize, too deep) is dead-lettered before it is parsed.
    const poison = poisonReason(record);
    if (poison) {
      dead.push(deadLetterRecord({ stage: 'analyze', code: 'RECORD_UNREADABLE', reason: `not a raw mention: ${poison}`, origin, input: record.value }, withMentionId(record)));
      deadAuthors.push(undefined);
      continue;
    }
    try {
      const parsed = RawMentionSchema.safeParse(JSON.parse(record.value));
      if (!parsed.success) throw new EcouteError('RECORD_UNREADABLE', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      raw = parsed.data as RawMention;
    } catch (error) {
      dead.push(deadLetterRecord({ stage: 'analyze', code: 'RECORD_UNREADABLE', reason: `not a raw mention: ${(error as Error).message}`, origin, input: record.value }, withMentionId(record)));
      deadAuthors.push(undefined);
      continue;
    }
    // Privacy (issue 14, H4): an erased author's mention is dropped, acknowledged with its batch.
    const key = authorKey(options.authorKeySecret, raw.source, raw.author.id);
    if (options.suppressed?.has(key)) {
      logMentionDrop('analyze', 'suppressed', MENTION_ID.test(record.key) ? record.key : mentionId(raw.source, raw.sourceId), 'dropped: its author was erased'); // gaps14
      continue;
    }
    try {
      // The publisher keyed the record by the mention id: it is not computed a second time.
      const mention = timeAnalysis(() => (MENTION_ID.test(record.key) ? analyzeMention(raw, options, record.key) : analyzeMention(raw, options)));
      analyzed.push({ mention, headers: record.headers });
    } catch (error) {
      dead.push(deadLetterRecord({ stage: 'analyze', code: 'ANALYZE_FAILED', reason: (error as Error).message, origin, input: record.value }, withMentionId(record)));
      deadAuthors.push(key);
    }
  }
  return { analyzed, dead, deadAuthors };
}

export function startAnalyzeStage(options: AnalyzeStageOptions): Consumer {
  return options.bus.consume(
    'mentions.raw',
    ANALYZE_GROUP,
    async (batch) => {
      // Issue 15 (threads15): a small batch (a webhook request, a short file) costs less here than a
      // trip to the threads; the pool is started on the first large one.
      if (options.pool && batch.length >= POOLED_BATCH_MIN) return publishPooled(await options.pool(batch), batch.length, options);
      const { analyzed, dead } = analyzeRecords(batch, options);
      // Marked on the objects, before they are serialized once.
      await options.markDuplicates?.(analyzed.map((a) => a.mention));
      await options.bus.publish('mentions.dlq', dead);
      await options.bus.publish('mentions.analyzed', analyzed.map(toRecord));
      countBatch('analyze', batch.length, analyzed.length); // the dead letters count as drops on the bus (src/ops/metered-bus.ts)
    },
    // Issue 15 (threads15): with a pool too: near-duplicates and the publish of a batch hold the main
    // thread (and the webhook's answers) for as long as the batch is large.
    { maxBatch: 500, ...(options.onError && { onError: options.onError }) },
  );
}

// ---- Issue 15 (threads15): the main thread's side of pooled analysis ----

/** Batches smaller than this are analyzed on the main thread (milliseconds), larger ones in the pool. */
export const POOLED_BATCH_MIN = 64;

/**
 * Marks near-duplicates against the one fingerprint state of this process, drops erased authors,
 * then publishes. The JSON is the worker's, written once: `duplicateOf` is set last on the object
 * in-thread, so appending it to the text gives the same bytes JSON.stringify would.
 */
async function publishPooled(result: PooledBatch, consumed: number, options: AnalyzeStageOptions): Promise<void> {
  const kept = options.suppressed
    ? result.analyzed.filter((a) => {
        if (!options.suppressed!.has(a.authorKey)) return true;
        logMentionDrop('analyze', 'suppressed', a.key, 'dropped: its author was erased'); // gaps14, as in-thread
        return false;
      })
    : result.analyzed;
  const marks = kept.map((a) => ({ id: a.key, text: a.body, brands: a.brands }) as Pick<AnalyzedMention, 'id' | 'text' | 'brands' | 'duplicateOf'>);
  await options.markDuplicates?.(marks as AnalyzedMention[]);
  const records = kept.map((a, i): BusRecord => {
    const duplicateOf = marks[i]!.duplicateOf;
    const value = duplicateOf === undefined ? a.value : `${a.value.slice(0, -1)},"duplicateOf":${JSON.stringify(duplicateOf)}}`;
    return { key: a.key, value, ...(a.headers && { headers: a.headers }) };
  });
  const dead = options.suppressed ? result.dead.filter((_, i) => !(result.deadAuthors[i] !== undefined && options.suppressed!.has(result.deadAuthors[i]!))) : result.dead;
  await options.bus.publish('mentions.dlq', dead);
  await options.bus.publish('mentions.analyzed', records);
  countBatch('analyze', consumed, records.length);
}
