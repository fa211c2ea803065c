// Privacy (issue 14, H4): erasing a person (GDPR art. 17). In this order:
//  1. the suppression entry, first, so that from now on every drop point (the publisher's bus,
//     the analyze stage, the index stage) drops their mentions, whatever brings them back;
//  2. their mentions in the store, in the topics (embedded: the log's rows are deleted; Kafka:
//     tombstones on its compacted topics, see docs/privacy.md), their dead letters, their mentions among
//     the alert examples (the store's alerts and the `alerts` topic's events);
//  3. a second sweep after the workers re-read the list (a mention analyzed in flight);
//  4. embedded: every SQLite file of the data dir is vacuumed and its WAL truncated, so no
//     deleted byte stays in a free page;
//  5. the erasure log: who asked, when, the counts, never the content.
// Every step is idempotent: an erasure that failed half-way is run again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import { EcouteError, errorMessage } from '../core/errors.js';
import type { AnalyzedMention } from '../core/types.js';
import type { AlertStore } from '../alerts/store/types.js';
import type { IncidentEvent } from '../alerts/types.js';
import { withoutExamples } from '../alerts/store/page.js';
import type { Bus, ConsumedRecord, PrivacyDecision, Topic } from '../streams/bus/types.js';
import type { MentionStore } from '../store/types.js';
import { compactDataDir, type CompactResult } from './compact.js';
import { type Person } from './person.js';
import { authorOfRecord } from './suppressing-bus.js';
import type { PrivacyLedger } from './suppression.js';
import { eraseFromReports } from './reports.js';
import { eraseFromReportFiles, type ErasedMention } from './report-files.js';

export interface PrivacyDeps {
  config: Readonly<Config>;
  dataDir: string;
  bus: Bus;
  store: MentionStore;
  alertStore: AlertStore;
  privacy: PrivacyLedger;
}

export interface TopicErasure {
  /** Records deleted from the log. */
  deleted: number;
  /** Records rewritten without the person (alert events whose examples showed them). */
  rewritten: number;
  /** Records of the person left in a log that cannot be rewritten (a Kafka topic without compaction), until its retention. */
  kept: number;
  /** Kafka (issue 14, gaps14): `deleted` are tombstones; the records leave at the topic's next compaction. */
  atCompaction?: boolean;
}

export interface ErasureReport {
  author: { source: string; authorKey: string };
  at: string;
  by: string;
  /** Mentions deleted from the store. */
  store: number;
  topics: Record<Topic, TopicErasure>;
  /** Alerts of the alert store whose examples showed one of the person's mentions (rewritten without). */
  alerts: number;
  /** Report delivery log rows that named one of the person's mentions (deleted). */
  reportLog: number;
  /** Report files of folder destinations whose brand and period held their mentions: rendered again without them, or deleted (gaps14). */
  reportFiles: { rerendered: number; removed: number };
  /** Embedded: the SQLite files vacuumed (free pages and WAL included). */
  compacted: CompactResult[];
  /** When the person was first suppressed (an erasure repeated keeps the first date). */
  suppressedSince: string;
}

const ERASE_TOPICS: readonly Topic[] = ['mentions.raw', 'mentions.analyzed', 'mentions.dlq', 'alerts'];

/** The person's mentions found in the store: their ids, and (gaps14) the brands and dates a report file may have shown them in. */
async function storedMentions(store: MentionStore, person: Person): Promise<ErasedMention[]> {
  const found: ErasedMention[] = [];
  for await (const page of store.exportPages({ query: `author:"${person.authorKey}"`, duplicates: 'include' })) {
    for (const m of page) if (m.authorKey === person.authorKey) found.push({ id: m.id, brands: m.brands, publishedAt: new Date(m.publishedAt).toISOString() });
  }
  return found;
}

function parse(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** What to do with one record of `topic` for this person; adds the mention ids it finds to `ids`. */
export function decideFor(topic: Topic, person: Person, ids: Set<string>): (record: ConsumedRecord) => PrivacyDecision {
  const isPerson = (value: string): boolean => {
    const author = authorOfRecord(value);
    if (author && author.source === person.source && author.id === person.handle) return true;
    const v = parse(value) as { authorKey?: unknown; input?: unknown; payload?: unknown } | undefined;
    if (v?.authorKey === person.authorKey) return true;
    for (const inner of [v?.input, v?.payload]) {
      if (typeof inner === 'string' && isPerson(inner)) return true;
      if (typeof inner === 'object' && inner !== null && (inner as { authorKey?: unknown }).authorKey === person.authorKey) return true;
    }
    return false;
  };
  switch (topic) {
    case 'mentions.raw':
    case 'mentions.analyzed':
      return (record) => {
        if (!isPerson(record.value)) return 'keep';
        const id = (parse(record.value) as Partial<AnalyzedMention> | undefined)?.id;
        ids.add(typeof id === 'string' ? id : record.key);
        return 'delete';
      };
    case 'mentions.dlq':
      // A dead letter of theirs: their raw record, their analyzed mention, or one naming their mention id.
      return (record) => (isPerson(record.value) || [...ids].some((id) => record.value.includes(id)) ? 'delete' : 'keep');
    case 'alerts':
      return (record) => {
        const event = parse(record.value) as IncidentEvent | undefined;
        const kept = event?.alert ? withoutExamples(event.alert, ids) : undefined;
        return kept ? { value: JSON.stringify({ ...event, alert: kept }) } : 'keep';
      };
  }
}

async function eraseTopic(bus: Bus, topic: Topic, person: Person, ids: Set<string>): Promise<TopicErasure> {
  const decide = decideFor(topic, person, ids);
  if (bus.privacyRewrite) {
    const { deleted, rewritten, kept = 0, eventual } = await bus.privacyRewrite(topic, decide);
    return { deleted, rewritten, kept, ...(eventual && { atCompaction: true }) };
  }
  // A log that cannot be rewritten: nothing can be taken out; count what stays until its retention.
  let kept = 0;
  const ends = await bus.endOffsets(topic);
  let from: Record<number, number> = {};
  for (;;) {
    const records = await bus.read(topic, from, 5000);
    if (records.length === 0) break;
    for (const r of records) if (decide(r) !== 'keep') kept++;
    from = { ...from };
    for (const r of records) from[r.partition] = Math.max(from[r.partition] ?? 0, r.offset + 1);
    if (Object.entries(ends).every(([p, end]) => (from[Number(p)] ?? 0) >= end)) break;
  }
  return { deleted: 0, rewritten: 0, kept };
}

function add(a: TopicErasure, b: TopicErasure): TopicErasure {
  // `kept` is a count of what is there now, not a sum of passes.
  return { deleted: a.deleted + b.deleted, rewritten: a.rewritten + b.rewritten, kept: b.kept, ...((a.atCompaction || b.atCompaction) && { atCompaction: true }) };
}

export interface EraseOptions {
  by: string;
  /** Wait before the second sweep (default: the suppression refresh interval in distributed mode, 1 s embedded). */
  sweepDelayMs?: number;
  now?: () => Date;
}

export async function erasePerson(deps: PrivacyDeps, person: Person, options: EraseOptions): Promise<ErasureReport> {
  const at = (options.now?.() ?? new Date()).toISOString();
  const step = async <T>(place: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new EcouteError('PRIVACY_ERASE_INCOMPLETE', `erasing ${person.source}:… (authorKey ${person.authorKey}) from ${place}: ${errorMessage(error)}; the person is suppressed already, run the same erase again`, { cause: error });
    }
  };
  await deps.privacy.suppress({ authorKey: person.authorKey, at });
  const suppressedSince = (await deps.privacy.entry(person.authorKey))?.at ?? at;
  const mentions = await step('the store', () => storedMentions(deps.store, person));
  const ids = new Set(mentions.map((m) => m.id));
  const zero: TopicErasure = { deleted: 0, rewritten: 0, kept: 0 };
  const topics = Object.fromEntries(ERASE_TOPICS.map((t) => [t, zero])) as Record<Topic, TopicErasure>;
  let store = 0;
  const pass = async () => {
    store += await step('the store', () => deps.store.eraseAuthor(person.authorKey));
    // raw and analyzed first: they give the mention ids the dead letters and alert events name.
    for (const topic of ERASE_TOPICS) topics[topic] = add(topics[topic], await step(`topic ${topic}`, () => eraseTopic(deps.bus, topic, person, ids)));
  };
  await pass();
  const distributed = deps.config.store.type === 'elasticsearch';
  await sleep(options.sweepDelayMs ?? (distributed ? deps.config.privacy.suppression_refresh_ms + 1000 : 1000));
  await pass();
  const alerts = await step('the alert store', () => deps.alertStore.eraseMentionExamples(ids));
  const reportLog = await step('the report delivery log', async () => eraseFromReports(deps.dataDir, person, ids));
  const files = await step('the report files of folder destinations', () => eraseFromReportFiles(deps, mentions));
  const reportFiles = { rerendered: files.rerendered.length, removed: files.removed.length };
  const compacted = distributed && deps.config.bus.type === 'kafka' ? [] : await step('the data dir', async () => compactDataDir(deps.dataDir));
  const report: ErasureReport = { author: { source: person.source, authorKey: person.authorKey }, at, by: options.by, store, topics, alerts, reportLog, reportFiles, compacted, suppressedSince };
  await deps.privacy.logErasure({ authorKey: person.authorKey, source: person.source, at, by: options.by, counts: erasureCounts(report) });
  return report;
}

/** The counts the erasure log keeps (numbers only). */
export function erasureCounts(r: ErasureReport): Record<string, number> {
  const counts: Record<string, number> = { store: r.store, alerts: r.alerts, report_log: r.reportLog, report_files_rerendered: r.reportFiles.rerendered, report_files_removed: r.reportFiles.removed };
  for (const [topic, t] of Object.entries(r.topics)) {
    counts[`${topic}.deleted`] = t.deleted;
    if (t.rewritten > 0) counts[`${topic}.rewritten`] = t.rewritten;
    if (t.kept > 0) counts[`${topic}.kept_until_retention`] = t.kept;
  }
  return counts;
}

/** What `ecoute privacy erase` prints. */
export function describeErasure(r: ErasureReport): string {
  const lines = [`erased author ${r.author.source}:… (authorKey ${r.author.authorKey}), suppressed since ${r.suppressedSince}`, `  store: ${r.store} mentions deleted`];
  for (const [topic, t] of Object.entries(r.topics)) {
    const deleted = t.atCompaction ? `${t.deleted} records tombstoned (gone at the topic's next compaction)` : `${t.deleted} records deleted`;
    const parts = [deleted, ...(t.rewritten > 0 ? [`${t.rewritten} rewritten without their mentions`] : []), ...(t.kept > 0 ? [`${t.kept} left until the topic's retention (the topic is not compacted; suppressed on replay)`] : [])];
    lines.push(`  topic ${topic}: ${parts.join(', ')}`);
  }
  lines.push(`  alert store: ${r.alerts} alerts rewritten without their mentions among the examples`);
  lines.push(`  report delivery log: ${r.reportLog} rows deleted`);
  lines.push(`  report files (folder destinations): ${r.reportFiles.rerendered} rendered again without their mentions, ${r.reportFiles.removed} deleted`);
  if (r.compacted.length > 0) lines.push(`  data dir: ${r.compacted.length} SQLite files vacuumed, WAL truncated${r.compacted.some((c) => !c.walTruncated) ? ` (busy: ${r.compacted.filter((c) => !c.walTruncated).map((c) => c.file).join(', ')}: run again with écoute stopped)` : ''}`);
  lines.push(`  erasure log: entry written at ${r.at} by ${r.by}`);
  return `${lines.join('\n')}\n`;
}
