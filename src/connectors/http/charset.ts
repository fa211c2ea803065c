// Which character encoding a response body is in. Servers often name none, or a wrong one (a
// windows-1252 feed served as "utf-8", an ISO-8859-1 feed whose only clue is its XML declaration):
// decoding such bytes as UTF-8 turns every accented letter into U+FFFD and search then misses the
// word. The rule, in order:
//   1. a byte order mark (unambiguous: the XML and WHATWG encoding specs both let it win);
//   2. the charset of the Content-Type header, if the bytes decode in it without error;
//   3. the encoding of the XML declaration (<?xml ... encoding="ISO-8859-1"?>), likewise;
//   4. UTF-8, if the bytes are valid UTF-8;
//   5. otherwise a declared charset other than UTF-8 anyway, if there was one (its errors are
//      counted), else windows-1252, the encoding of most non-UTF-8 Western text (every byte decodes).
// Labels follow the WHATWG Encoding Standard, as TextDecoder does: "iso-8859-1" and "us-ascii"
// decode as windows-1252, which is what such servers actually send.

import { TextDecoder } from 'node:util';

export type CharsetSource = 'bom' | 'http' | 'xml' | 'utf-8' | 'detected';

export interface Decoding {
  /** The encoding used (TextDecoder's canonical name, e.g. "windows-1252"). */
  charset: string;
  /** What decided it. */
  from: CharsetSource;
  /** Byte sequences that could not be decoded, each replaced by U+FFFD. */
  replaced: number;
  /** Charsets the response declared that did not fit its bytes (or are unknown), e.g. "utf-8 (HTTP header)". */
  rejected: string[];
}

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

// Bytes 0x80-0x9F of windows-1252 (index-windows-1252 of the WHATWG Encoding Standard). Node 20's
// TextDecoder decodes "windows-1252" (and so "iso-8859-1", "us-ascii") as ISO-8859-1, giving C1
// controls for € ‘ ’ “ ” – —; later Node versions decode them right, and then this is not used.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const BROKEN_WINDOWS_1252 = new TextDecoder('windows-1252').decode(Uint8Array.of(0x80)) !== '\u20ac';

/** A TextDecoder, or one that decodes windows-1252 right where the runtime's does not. */
interface Decoder {
  encoding: string;
  decode(raw: Uint8Array): string;
}

function decoderFor(label: string | undefined, fatal: boolean): Decoder | undefined {
  if (!label) return undefined;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal });
  } catch {
    return undefined; // a label TextDecoder does not know
  }
  if (decoder.encoding !== 'windows-1252' || !BROKEN_WINDOWS_1252) return decoder;
  return {
    encoding: 'windows-1252',
    decode: (raw) => decoder.decode(raw).replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!)),
  };
}

function cleanly(raw: Uint8Array, label: string): string | undefined {
  try {
    return decoderFor(label, true)?.decode(raw);
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header. */
export function httpCharset(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
}

/** The encoding an XML declaration names, read from the first bytes as ASCII. */
export function xmlDeclaredCharset(raw: Uint8Array): string | undefined {
  const head = Buffer.from(raw.subarray(0, 512)).toString('latin1');
  return /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head)?.[1];
}

/** Counts U+FFFD that decoding inserted (a U+FFFD the text really holds, as EF BF BD in UTF-8, is not counted). */
function countReplaced(text: string, raw: Uint8Array, charset: string): number {
  let inserted = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) inserted++;
  if (inserted === 0 || charset !== 'utf-8') return inserted;
  let genuine = 0;
  for (let i = 0; i + 2 < raw.length; i++) if (raw[i] === 0xef && raw[i + 1] === 0xbf && raw[i + 2] === 0xbd) genuine++;
  return inserted - genuine;
}

/** Decodes a response body by the rule above. */
export function decodeBody(raw: Uint8Array, contentType: string | undefined): { text: string; decoding: Decoding } {
  const rejected: string[] = [];
  const done = (text: string, charset: string, from: CharsetSource, replaced = 0) => ({ text, decoding: { charset, from, replaced, rejected } });

  for (const [bom, charset] of BOMS) {
    if (bom.every((b, i) => raw[i] === b)) {
      // TextDecoder drops the BOM itself.
      const text = decoderFor(charset, false)!.decode(raw);
      return done(text, charset, 'bom', countReplaced(text, raw.subarray(bom.length), charset));
    }
  }
  const declared: [string, CharsetSource, string][] = [];
  const fromHttp = httpCharset(contentType);
  if (fromHttp) declared.push([fromHttp, 'http', 'HTTP header']);
  const fromXml = xmlDeclaredCharset(raw);
  if (fromXml) declared.push([fromXml, 'xml', 'XML declaration']);

  let fallback: [Decoder, CharsetSource] | undefined;
  for (const [label, from, where] of declared) {
    const decoder = decoderFor(label, false);
    if (!decoder) {
      rejected.push(`${label} (${where}: unknown encoding)`);
      continue;
    }
    const text = cleanly(raw, label);
    if (text !== undefined) return done(text, decoder.encoding, from);
    rejected.push(`${label} (${where})`);
    // A declared UTF-8 that does not fit is the usual mistake of servers sending windows-1252: detect instead.
    if (decoder.encoding !== 'utf-8') fallback ??= [decoder, from];
  }
  const utf8 = cleanly(raw, 'utf-8');
  if (utf8 !== undefined) return done(utf8, 'utf-8', declared.length > 0 ? 'detected' : 'utf-8');
  if (fallback) {
    const [decoder, from] = fallback;
    const text = decoder.decode(raw);
    return done(text, decoder.encoding, from, countReplaced(text, raw, decoder.encoding));
  }
  return done(decoderFor('windows-1252', false)!.decode(raw), 'windows-1252', 'detected');
}
