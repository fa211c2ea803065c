// Mention text printed to a terminal is hostile input: an ESC starts a control sequence (colours,
// cursor moves, window titles, hyperlinks, on some terminals clipboard writes), C1 controls do the
// same on others, and bidi overrides (U+202E...) or other invisible format characters make a line
// read differently from what it holds. Such characters are shown as visible escapes instead.

/**
 * C0 and C1 controls and DEL (Cc), format characters (Cf: bidi embeddings, overrides, isolates and
 * marks, zero-width spaces, word joiners, the BOM, tag characters...), line and paragraph
 * separators, and lone surrogates. ZWJ and ZWNJ are kept: emoji sequences and several scripts
 * (Persian, Indic) need them to render, and they can move or hide nothing.
 */
const UNSAFE = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\u2028\u2029]|\p{Cs}/gu;

function escapeOf(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** The text with every control and invisible format character written as an escape (`\x1b`, `\u202e`). */
export function visible(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/** Format characters, C1 controls and DEL, which JSON.stringify leaves raw. */
const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/**
 * One JSON text on one line, with no raw control or format character: JSON.stringify already
 * escapes C0 controls and lone surrogates; this also writes DEL, C1 and format characters (bidi
 * controls included) as \uXXXX, so the line is safe on a terminal and parses to the same value.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (char) =>
    [...Array(char.length).keys()].map((k) => `\\u${char.charCodeAt(k).toString(16).padStart(4, '0')}`).join(''),
  );
}
