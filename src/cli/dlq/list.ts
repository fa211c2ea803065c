// Reads the dead-letter topic into entries a person can act on: an id (`<partition>-<offset>` on
// mentions.dlq), the stage, the catalogue code, the reason, the origin, when, and whether it was
// replayed. A failure written twice (a stage killed between its dead-letter write and its commit
// does the batch again) is one entry: same record key, stage, code and replay header.
import type { Bus, ConsumedRecord, Offsets } from '../../streams/bus/types.js';
import { INGEST_ID_HEADER, type DeadLetter } from '../../streams/dead-letter.js';
import { EcouteError } from '../../core/errors.js';
import { UsageError } from '../context.js';
import type { Mark } from './state.js';

export const REPLAY_OF_HEADER = 'ecoute-replay-of';

export interface DeadLetterEntry {
  id: string;
  /** Every copy of the same failure on the topic (this id first). */
  copies: { id: string; partition: number; offset: number }[];
  letter: DeadLetter;
  /** The dead letter this one is a new failure of, when it came from a replay. */
  replayOf?: string;
  replayed?: { at: string; to?: string };
}

export interface ListFilters {
  stage?: string;
  code?: string;
  /** Epoch ms: only dead letters written at or after. */
  since?: number;
  /** Leave out those already replayed. */
  pending?: boolean;
}

export const letterId = (r: Pick<ConsumedRecord, 'partition' | 'offset'>): string => `${r.partition}-${r.offset}`;

/** Every dead letter on the topic, copies folded, dropped ones left out, oldest first. */
export async function readDeadLetters(bus: Bus, marks: Map<string, Mark>): Promise<DeadLetterEntry[]> {
  const byFailure = new Map<string, DeadLetterEntry>();
  let cursor: Offsets = {};
  for (;;) {
    const page = await bus.read('mentions.dlq', cursor, 5000);
    if (page.length === 0) break;
    for (const record of page) {
      cursor = { ...cursor, [record.partition]: record.offset + 1 };
      const id = letterId(record);
      if (marks.get(id)?.status === 'dropped') continue;
      let letter: DeadLetter;
      try {
        letter = JSON.parse(record.value) as DeadLetter;
        if (typeof letter.stage !== 'string' || typeof letter.code !== 'string' || typeof letter.input !== 'string') continue;
      } catch {
        continue; // not ours: the topic may hold other tools' records
      }
      // A replayed file line is published as the connector would, tagged with the ingest id
      // `dlq-replay-<id>`; a replayed stage input carries the replay header.
      const ingest = record.headers?.[INGEST_ID_HEADER];
      const replayOf = record.headers?.[REPLAY_OF_HEADER] ?? (ingest?.startsWith('dlq-replay-') ? ingest.slice('dlq-replay-'.length) : undefined);
      const failure = [record.key, letter.stage, letter.code, replayOf ?? '', record.headers?.[INGEST_ID_HEADER] ?? ''].join('\u0000');
      const copy = { id, partition: record.partition, offset: record.offset };
      const known = byFailure.get(failure);
      if (known) {
        known.copies.push(copy);
        continue;
      }
      byFailure.set(failure, { id, copies: [copy], letter, ...(replayOf !== undefined && { replayOf }) });
    }
  }
  // Oldest first across partitions; a batch written in the same millisecond in its origin's order.
  const entries = [...byFailure.values()].sort(
    (a, b) =>
      a.letter.at.localeCompare(b.letter.at) ||
      (a.letter.origin.file ?? '').localeCompare(b.letter.origin.file ?? '') ||
      (a.letter.origin.line ?? 0) - (b.letter.origin.line ?? 0) ||
      (a.letter.origin.offset ?? 0) - (b.letter.origin.offset ?? 0) ||
      a.id.localeCompare(b.id),
  );
  for (const entry of entries) {
    const replayed = entry.copies.map((c) => marks.get(c.id)).find((m) => m?.status === 'replayed');
    if (replayed) entry.replayed = { at: replayed.at, ...(replayed.to !== undefined && { to: replayed.to }) };
  }
  return entries;
}

export function filterEntries(entries: DeadLetterEntry[], filters: ListFilters): DeadLetterEntry[] {
  return entries.filter(
    (e) =>
      (filters.stage === undefined || e.letter.stage === filters.stage) &&
      (filters.code === undefined || e.letter.code === filters.code) &&
      (filters.since === undefined || Date.parse(e.letter.at) >= filters.since) &&
      (!filters.pending || e.replayed === undefined),
  );
}

/** `--since`: an ISO date or time, or a duration back from now (`90m`, `6h`, `2d`). */
export function parseSince(text: string, now = Date.now()): number {
  const relative = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (relative) return now - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--since: expected a date (2026-12-01, 2026-12-01T10:00:00Z) or a duration (90m, 6h, 2d), got "${text}"`);
  return at;
}

/** The entries named by `ids` (any copy's id names its entry); an unknown id is an error naming it. */
export function pick(entries: DeadLetterEntry[], ids: readonly string[]): DeadLetterEntry[] {
  const byId = new Map(entries.flatMap((e) => e.copies.map((c) => [c.id, e] as const)));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw new EcouteError('DLQ_UNKNOWN_ID', `no dead letter with id ${unknown.join(', ')} (ids are printed by \`ecoute dlq list\`)`);
  return [...new Set(ids.map((id) => byId.get(id) as DeadLetterEntry))];
}

export function originText(letter: DeadLetter): string {
  const o = letter.origin;
  if (o.file !== undefined) return `${o.file}:${o.line ?? '?'}`;
  if (o.topic !== undefined) return `${o.topic}[${o.partition ?? 0}]@${o.offset ?? '?'}`;
  return '-';
}
