// Reads back dead letters to tell the user what was rejected and why.
import type { Bus, Offsets } from '../streams/bus/types.js';
import { INGEST_ID_HEADER, type DeadLetter } from '../streams/dead-letter.js';
import { visible } from './terminal.js';

/** Dead letters written since `from` (`{}`: from the start), optionally only those of one ingest run. */
export async function deadLettersSince(bus: Bus, from: Offsets, ingestId?: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  let cursor: Offsets = { ...from };
  for (;;) {
    const page = await bus.read('mentions.dlq', cursor, 5000);
    if (page.length === 0) break;
    for (const record of page) {
      cursor = { ...cursor, [record.partition]: record.offset + 1 };
      if (ingestId !== undefined && record.headers?.[INGEST_ID_HEADER] !== ingestId) continue;
      try {
        letters.push(JSON.parse(record.value) as DeadLetter);
      } catch {
        // Not ours: the dead-letter topic may hold other tools' records.
      }
    }
  }
  return letters;
}

/** "line 3: not JSON ..." lines, at most `max`, then how many more. */
export function describeRejections(letters: DeadLetter[], max = 20): string[] {
  const lines = letters.slice(0, max).map((l) => {
    const where = l.origin.file !== undefined ? `${l.origin.file} line ${l.origin.line}` : `${l.stage} stage, ${l.origin.topic} offset ${l.origin.offset}`;
    // A reason quotes what a file or a server sent: shown with its control characters escaped.
    return `  ${visible(where)}: ${visible(l.reason)}`;
  });
  if (letters.length > max) lines.push(`  … and ${letters.length - max} more (all are on the dead-letter topic mentions.dlq)`);
  return lines;
}
