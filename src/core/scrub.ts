// One scrubber for the whole process: every secret value écoute reads (each Secret registers its
// value when it is created, that is when a connector starts and reads its credentials) is replaced
// by "[secret]" in whatever is about to be written to a topic, a log line, or the status store. A
// hostile or careless server that echoes a token back (in an error body, in an item) then leaks
// nothing: the token is removed wherever the text ends up.
import type { Logger } from './log.js';

export const REDACTED = '[secret]';

/** Shorter values would scrub ordinary words; no credential is that short. */
const MIN_LENGTH = 4;
/** Values kept (newest): tokens are refreshed over the life of a process, old ones expire. */
const MAX_VALUES = 1000;

export class Scrubber {
  private readonly values = new Set<string>();
  /** Longest first, so a value containing another is replaced whole. */
  private forms: string[] = [];

  /** Adds a secret value (and its URL-encoded and JSON-escaped forms, as it may appear in a URL or a JSON body). */
  add(value: string | undefined): void {
    if (value === undefined || value.length < MIN_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    if (this.values.size > MAX_VALUES) this.values.delete(this.values.values().next().value as string);
    const forms = new Set<string>();
    for (const v of this.values) {
      forms.add(v);
      forms.add(encodeURIComponent(v));
      forms.add(JSON.stringify(v).slice(1, -1));
    }
    this.forms = [...forms].filter((f) => f.length >= MIN_LENGTH).sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.size;
  }

  /** `text` with every secret value replaced by "[secret]". */
  scrub(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with every string (and key) scrubbed; the value itself when nothing needed it. */
  scrubValue<T>(value: T): T {
    if (this.forms.length === 0) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
    // Deeper than any mention goes: stringified and scrubbed whole rather than walked.
    // JSON.stringify itself overflows the stack thousands of levels down: such a value is refused
    // by the connectors' output check (too deep) anyway, and must not throw here first.
    if (depth > 64) {
      try {
        return this.scrub(JSON.stringify(value) ?? '');
      } catch {
        return '[nested too deep to scrub]';
      }
    }
    if (Array.isArray(value)) {
      const out = value.map((v) => this.walk(v, depth + 1));
      return out.every((v, i) => v === value[i]) ? value : out;
    }
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const key = this.scrub(k);
        const scrubbed = this.walk(v, depth + 1);
        if (key !== k || scrubbed !== v) changed = true;
        out[key] = scrubbed;
      }
      return changed ? out : value;
    }
    return value;
  }
}

/** The process-wide scrubber every Secret feeds. */
export const secretScrubber = new Scrubber();

/** A logger whose messages and fields are scrubbed before they are written. */
export function scrubbingLogger(log: Logger, scrubber: Scrubber = secretScrubber): Logger {
  const wrap =
    (write: Logger['info']): Logger['info'] =>
    (message, fields) =>
      write(scrubber.scrub(message), fields && scrubber.scrubValue(fields));
  return {
    debug: wrap((m, f) => log.debug(m, f)),
    info: wrap((m, f) => log.info(m, f)),
    warn: wrap((m, f) => log.warn(m, f)),
    error: wrap((m, f) => log.error(m, f)),
    child: (fields) => scrubbingLogger(log.child(scrubber.scrubValue(fields)), scrubber),
  };
}
