// Mention text shown on a terminal: controls and invisible format characters become visible escapes.
import { describe, expect, it } from 'vitest';
import { jsonLine, visible } from '../../src/cli/terminal.js';

describe('visible', () => {
  it('writes C0, DEL and C1 controls as \\xNN', () => {
    expect(visible('red \u001b[31mALERT\u001b[0m')).toBe('red \\x1b[31mALERT\\x1b[0m');
    expect(visible('title\u001b]0;pwned\u0007')).toBe('title\\x1b]0;pwned\\x07');
    expect(visible('a\u0000b\u007fc\u009bd\u0085')).toBe('a\\x00b\\x7fc\\x9bd\\x85');
  });

  it('writes bidi controls and other invisible format characters as \\uXXXX', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x2060, 0xfeff, 0x00ad, 0x2028, 0x2029]) {
      const char = String.fromCodePoint(code);
      expect(visible(`x${char}y`), code.toString(16)).toBe(`x${code < 0x100 ? `\\x${code.toString(16)}` : `\\u${code.toString(16).padStart(4, '0')}`}y`);
    }
    expect(visible('invoice\u202Egpj.exe')).toBe('invoice\\u202egpj.exe');
    expect(visible('tag\u{e0041}')).toBe('tag\\u{e0041}');
    expect(visible('lone \ud800 surrogate')).toBe('lone \\ud800 surrogate');
  });

  it('leaves ordinary text alone: accents, emoji (ZWJ sequences included), other scripts', () => {
    const text = 'Très bien 👍 — 👨‍👩‍👧 family, می‌خواهم, ঙ্‌ক, 東京, "quotes" & \\backslash';
    expect(visible(text)).toBe(text);
  });
});

describe('jsonLine', () => {
  it('is JSON that parses to the same value, with no raw control or format character in it', () => {
    const value = { text: 'a\u001b[2Jb\u202ec\u2066d\u007fe\u0085f\u2028g\u{e0001}h\ud800', ok: 'café 👨‍👩‍👧' };
    const line = jsonLine(value);
    expect(JSON.parse(line)).toEqual(value);
    expect(line).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    expect(line).toContain('\\u202e');
    expect(line).toContain('\\u001b');
    expect(line).toContain('\\udb40\\udc01');
  });
});

describe('other CLI output that quotes what a file or a server sent', () => {
  it('ecoute ingest rejection reasons and connectors status errors show escapes, not raw controls', async () => {
    const { describeRejections } = await import('../../src/cli/dead-letters.js');
    const { formatStatuses } = await import('../../src/cli/commands/connectors.js');
    const lines = describeRejections([
      { stage: 'connector', code: 'MENTION_INVALID', reason: 'text: must be a string, got "\u001b[2J\u202eevil"', origin: { file: 'a.jsonl', line: 3 }, input: '', at: '2026-12-01T00:00:00Z' },
    ]);
    expect(lines.join('\n')).not.toMatch(/[\u001b\u202e]/);
    expect(lines[0]).toContain('\\x1b[2J\\u202eevil');
    const status = formatStatuses([
      {
        name: 'rss:x', type: 'rss', recorded: true, last_success_at: null, last_error: { at: '2026-12-01T00:00:00Z', message: 'HTTP 500: \u001b]0;owned\u0007' },
        lag_ms: null, fetched_last_hour: 0, fetched_last_day: 0, backing_off: false, backing_off_until: null, updated_at: null, undated: 0, decoding: null,
      },
    ], Date.parse('2026-12-01T00:01:00Z'));
    expect(status).not.toMatch(/[\u001b\u0007]/);
    expect(status).toContain('HTTP 500: \\x1b]0;owned\\x07');
  });
});
