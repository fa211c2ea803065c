// Operations (issue 14, gaps14): one log line for a mention a stage leaves out on purpose (an
// erased author's, the `suppressed` drop points of docs/privacy.md), with the stage, the reason and
// the `mention_id`, like the dead-letter lines of metered-bus.ts; counted in
// ecoute_mentions_dropped_total{stage,reason}. At most 20 lines a second (a replay of a big topic
// must not flood the log), the rest counted in the next line's `similar_not_logged`.
import { createLogger, type Logger } from '../core/log.js';
import { countDropped } from './metrics.js';

const LINES_PER_SECOND = 20;
const quiet = { second: 0, lines: 0, skipped: 0 };
let log: Logger | undefined;

/** A mention id is what core/ids.ts mentionId makes: 32 hex digits. */
export const MENTION_ID = /^[0-9a-f]{32}$/;

/** `counted: false` where the stage's own counts already cover the mention (the connector's publisher). */
export function logMentionDrop(stage: string, reason: string, mentionId: string | undefined, message: string, counted = true): void {
  if (counted) countDropped(stage, reason);
  const second = Math.floor(Date.now() / 1000);
  if (second !== quiet.second) Object.assign(quiet, { second, lines: 0 });
  if (++quiet.lines > LINES_PER_SECOND) {
    quiet.skipped++;
    return;
  }
  const skipped = quiet.skipped;
  quiet.skipped = 0;
  log ??= createLogger();
  log.info(message, { stage, reason, ...(mentionId !== undefined && MENTION_ID.test(mentionId) && { mention_id: mentionId }), ...(skipped > 0 && { similar_not_logged: skipped }) });
}
