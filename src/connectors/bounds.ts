// Bounds on what a mention may carry, checked without recursion. A source (a file line, a webhook
// item, a hostile API) can nest a value thousands of levels deep: JSON.stringify then overflows the
// stack, and one such value would stop a whole ingest or be retried forever. So every connector's
// output is measured here, by an explicit stack, before anything serializes it.

/** Deepest nesting allowed inside a mention (the mention object itself is level 1). */
export const MAX_MENTION_DEPTH = 32;
/** Largest `raw` (the source's extra keys), serialized as JSON, in UTF-16 code units (≈ bytes for ASCII). */
export const MAX_RAW_CHARS = 64 * 1024;

export type Measure =
  | { ok: true; chars: number }
  | { ok: false; why: 'deep'; path: string }
  | { ok: false; why: 'large'; chars: number };

/**
 * The length of `JSON.stringify(value)`, computed iteratively, stopping early when the value nests
 * deeper than `maxDepth` or its JSON would exceed `maxChars`. `path` names where it got too deep.
 */
export function measureJson(value: unknown, maxDepth: number, maxChars = Number.POSITIVE_INFINITY, root = ''): Measure {
  let chars = 0;
  // Depth alone needs no lengths (a mention's text may be megabytes: not copied for nothing).
  const counting = Number.isFinite(maxChars);
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: root }];
  while (stack.length > 0) {
    const { value: v, depth, path } = stack.pop()!;
    if (counting) chars += scalarChars(v);
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      if (depth > maxDepth) return { ok: false, why: 'deep', path };
      if (Array.isArray(v)) {
        chars += 2 + Math.max(0, v.length - 1);
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] ?? null, depth: depth + 1, path: `${path}[${i}]` });
      } else {
        const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
        chars += 2 + Math.max(0, entries.length - 1);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, x] = entries[i]!;
          chars += JSON.stringify(k).length + 1;
          stack.push({ value: x, depth: depth + 1, path: path === '' ? k : `${path}.${k}` });
        }
      }
    }
    if (chars > maxChars) return { ok: false, why: 'large', chars };
  }
  return { ok: true, chars };
}

/** The JSON length of a non-container (containers count their brackets and separators above). */
function scalarChars(v: unknown): number {
  if (v === null || v === undefined) return 4;
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v).length;
    case 'number':
    case 'boolean':
    case 'bigint':
      return JSON.stringify(typeof v === 'bigint' ? String(v) : v)?.length ?? 4;
    case 'object':
      // A Date or other toJSON holder serializes to a scalar; plain containers are counted by the caller.
      return typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (JSON.stringify(v)?.length ?? 4) : 0;
    default:
      return 4;
  }
}

/**
 * JSON for a dead letter's `input`, cut at `maxChars`, written by an explicit stack so that no
 * value (however deep or large) can make it throw. Past `maxChars` the text ends where it was cut
 * and `truncated` is set: an operator sees what was sent, not necessarily all of it.
 */
export function boundedJson(value: unknown, maxChars: number): { text: string; truncated: boolean } {
  let out = '';
  type Frame = { kind: 'value'; value: unknown } | { kind: 'text'; text: string };
  const stack: Frame[] = [{ kind: 'value', value }];
  while (stack.length > 0) {
    if (out.length > maxChars) return { text: out.slice(0, maxChars), truncated: true };
    const frame = stack.pop()!;
    if (frame.kind === 'text') {
      out += frame.text;
      continue;
    }
    const v = frame.value;
    if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      out += (typeof v === 'bigint' ? JSON.stringify(String(v)) : JSON.stringify(v)) ?? 'null';
      continue;
    }
    // Pushed in reverse, so they pop in order.
    const parts: Frame[] = [];
    if (Array.isArray(v)) {
      parts.push({ kind: 'text', text: '[' });
      v.forEach((x, i) => {
        if (i > 0) parts.push({ kind: 'text', text: ',' });
        parts.push({ kind: 'value', value: x === undefined || typeof x === 'function' ? null : x });
      });
      parts.push({ kind: 'text', text: ']' });
    } else {
      parts.push({ kind: 'text', text: '{' });
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        parts.push({ kind: 'text', text: `${first ? '' : ','}${JSON.stringify(k)}:` });
        parts.push({ kind: 'value', value: x });
        first = false;
      }
      parts.push({ kind: 'text', text: '}' });
    }
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
  }
  return out.length > maxChars ? { text: out.slice(0, maxChars), truncated: true } : { text: out, truncated: false };
}
