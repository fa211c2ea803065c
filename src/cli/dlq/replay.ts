// Sends dead letters back through the pipeline, once: a letter from a stage goes back to the topic
// that stage reads (analyze: mentions.raw, index: mentions.analyzed, notify: alerts), so the fixed
// stage reads it again; a file line refused by the file connector is read again by the same parser
// (the connector's current code and config) and published as the connector would: the line as the
// file holds it now when the file is still there (the user fixed it in place; the connector's
// cursor is past it and would never read it again), else the input the dead letter kept. A line
// still wrong becomes a new dead letter naming why. Each replayed record carries the header
// `ecoute-replay-of: <id>`; the letter is then marked replayed in dead-letters.sqlite, and a second
// replay refuses it. The mark is written after the bus confirmed: a crash between the two at worst
// sends it once more, which the stages' deterministic ids make harmless.
import type { Config } from '../../config/schema.js';
import { EcouteError } from '../../core/errors.js';
import { mentionId } from '../../core/ids.js';
import { existsSync } from 'node:fs';
import { parseJsonLine, type LineResult } from '../../connectors/file/mention-line.js';
import { readMentionFile } from '../../connectors/file/read.js';
import { MentionPublisher } from '../../connectors/publish.js';
import type { Bus, BusRecord, Topic } from '../../streams/bus/types.js';
import { REPLAY_OF_HEADER, type DeadLetterEntry } from './list.js';
import type { DeadLetterState } from './state.js';

/** Where a stage's input comes from. */
const STAGE_TOPICS: readonly Topic[] = ['mentions.raw', 'mentions.analyzed', 'alerts'];

export interface ReplayOutcome {
  id: string;
  /** Where it went: a topic, or `file connector` for a re-read line. */
  to?: string;
  error?: EcouteError;
}

/** Why this entry cannot be replayed, or undefined when it can. */
export function refusal(entry: DeadLetterEntry): EcouteError | undefined {
  const { letter } = entry;
  if (entry.replayed) return new EcouteError('DLQ_ALREADY_REPLAYED', `dead letter ${entry.id} was replayed at ${entry.replayed.at}${entry.replayed.to ? ` (to ${entry.replayed.to})` : ''}; it is not sent again`);
  if (letter.truncated) {
    return new EcouteError('DLQ_TRUNCATED', `dead letter ${entry.id} holds only the first 16 KB of its input (truncated): send the original again from ${letter.origin.file ?? letter.origin.topic ?? 'its source'}, then drop it`);
  }
  if (letter.origin.file !== undefined) return undefined;
  const topic = letter.origin.topic as Topic | undefined;
  if (topic === undefined || !STAGE_TOPICS.includes(topic)) return new EcouteError('DLQ_NOT_REPLAYABLE', `dead letter ${entry.id} (stage ${letter.stage}) names no file line or stage topic to send it back to`);
  try {
    JSON.parse(letter.input);
  } catch {
    return new EcouteError('DLQ_NOT_REPLAYABLE', `dead letter ${entry.id}: its input is not JSON, which no fix of the ${letter.stage} stage can read; fix it at its source and send it again`);
  }
  return undefined;
}

/** The key a stage's topic expects for this input (the mention id; on alerts, the brand, as keeper.ts keys it). */
function keyFor(topic: Topic, value: unknown, fallback: string): string {
  const v = (value ?? {}) as Record<string, unknown>;
  if (topic === 'mentions.analyzed' && typeof v.id === 'string') return v.id;
  if (topic === 'mentions.raw' && typeof v.source === 'string' && typeof v.sourceId === 'string') return mentionId(v.source, v.sourceId);
  if (topic === 'alerts' && typeof (v.incident as { brand?: unknown } | undefined)?.brand === 'string') return (v.incident as { brand: string }).brand;
  return fallback;
}

/** The file connector's raw keys for this file (the first file connector reading it). */
function rawKeysFor(config: Readonly<Config>, file: string): readonly string[] {
  for (const c of config.connectors) {
    const path = (c as { type: string; path?: string; raw_keys?: string[] }).path;
    if (c.type === 'file' && path !== undefined && (file === path || file.startsWith(`${path.replace(/\/$/, '')}/`))) return (c as { raw_keys?: string[] }).raw_keys ?? [];
  }
  return [];
}

type LineNow = { input: string; result: LineResult };

/** The chosen lines of each file as the file connector reads them now (one read per file). */
async function linesNow(entries: DeadLetterEntry[]): Promise<Map<string, Map<number, LineNow>>> {
  const wanted = new Map<string, Set<number>>();
  for (const { letter } of entries) {
    const { file, line } = letter.origin;
    if (file !== undefined && line !== undefined) wanted.set(file, (wanted.get(file) ?? new Set()).add(line));
  }
  const found = new Map<string, Map<number, LineNow>>();
  for (const [file, lines] of wanted) {
    const byLine = new Map<number, LineNow>();
    found.set(file, byLine);
    if (!existsSync(file)) continue;
    try {
      for await (const item of readMentionFile(file, {})) if (lines.has(item.line)) byLine.set(item.line, item);
    } catch {
      // unreadable now: the kept inputs are replayed instead
    }
  }
  return found;
}

export async function replay(entries: DeadLetterEntry[], context: { bus: Bus; state: DeadLetterState; config: Readonly<Config> }): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const current = await linesNow(entries.filter((e) => refusal(e) === undefined));
  for (const entry of entries) {
    const refused = refusal(entry);
    if (refused) {
      outcomes.push({ id: entry.id, error: refused });
      continue;
    }
    const { letter } = entry;
    const headers = { [REPLAY_OF_HEADER]: entry.id };
    let to: string;
    if (letter.origin.file !== undefined) {
      const file = letter.origin.file;
      // The publisher tags what it writes with the ingest id; a line still wrong is a new dead
      // letter, told apart from the original by that tag (see list.ts).
      const publisher = new MentionPublisher({ bus: context.bus, rawKeys: rawKeysFor(context.config, file), ingestId: `dlq-replay-${entry.id}` });
      const now = letter.origin.line !== undefined ? current.get(file)?.get(letter.origin.line) : undefined;
      const input = now?.input ?? letter.input;
      const parsed = now?.result ?? parseJsonLine(letter.input, new Date().toISOString());
      const at = letter.origin.line !== undefined ? { line: letter.origin.line } : {};
      if (parsed.ok) await publisher.add(parsed.mention, undefined, { file, ...at, input });
      else await publisher.reject({ file, ...at, code: parsed.code, reason: parsed.reason, input });
      await publisher.flush();
      to = now ? 'file connector (line re-read from the file)' : 'file connector (kept input)';
    } else {
      const topic = letter.origin.topic as Topic;
      const record: BusRecord = { key: keyFor(topic, JSON.parse(letter.input), `dlq-replay-${entry.id}`), value: letter.input, headers };
      await context.bus.publish(topic, [record]);
      to = topic;
    }
    context.state.mark(entry.copies.map((c) => c.id), { status: 'replayed', at: new Date().toISOString(), to });
    outcomes.push({ id: entry.id, to });
  }
  return outcomes;
}
