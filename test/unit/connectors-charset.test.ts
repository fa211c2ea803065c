import { describe, expect, it } from 'vitest';
import { decodeBody, httpCharset, xmlDeclaredCharset } from '../../src/connectors/http/index.js';

const cp1252 = (text: string) => Buffer.from(text.replace(/[€“”—]/g, (c) => String.fromCharCode({ '€': 0x80, '“': 0x93, '”': 0x94, '—': 0x97 }[c]!)), 'latin1');

describe('http: which charset a body is in', () => {
  it('reads the charset of a Content-Type and of an XML declaration', () => {
    expect(httpCharset('application/rss+xml; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    expect(httpCharset('text/xml')).toBeUndefined();
    expect(xmlDeclaredCharset(Buffer.from("<?xml version='1.0' encoding='windows-1252'?><rss/>"))).toBe('windows-1252');
    expect(xmlDeclaredCharset(Buffer.from('<rss encoding="x"/>'))).toBeUndefined();
  });

  it('the HTTP charset wins when the bytes fit it', () => {
    const { text, decoding } = decodeBody(Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><a>caf\u00e9</a>', 'utf8'), 'text/xml; charset=utf-8');
    expect(text).toContain('café');
    expect(decoding).toEqual({ charset: 'utf-8', from: 'http', replaced: 0, rejected: [] });
  });

  it('windows-1252 bytes, with no charset or a wrong UTF-8 one, are detected as windows-1252 (€ “ ” — included)', () => {
    const raw = cp1252('<a>simula\u00e7\u00f5es € “ok” —</a>');
    expect(decodeBody(raw, undefined)).toEqual({ text: '<a>simulações € “ok” —</a>', decoding: { charset: 'windows-1252', from: 'detected', replaced: 0, rejected: [] } });
    expect(decodeBody(raw, 'text/xml; charset=utf-8').decoding).toEqual({ charset: 'windows-1252', from: 'detected', replaced: 0, rejected: ['utf-8 (HTTP header)'] });
  });

  it('an ISO-8859-1 declaration decodes as windows-1252, as WHATWG says', () => {
    const raw = cp1252('<?xml version="1.0" encoding="ISO-8859-1"?><a>No\u00ebl “x”</a>');
    expect(decodeBody(raw, 'application/xml')).toMatchObject({ text: '<?xml version="1.0" encoding="ISO-8859-1"?><a>Noël “x”</a>', decoding: { charset: 'windows-1252', from: 'xml' } });
  });

  it('a byte order mark wins; UTF-16 is read', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>Acme \u00e9t\u00e9</a>', 'utf16le')]);
    expect(decodeBody(utf16, 'text/xml; charset=iso-8859-1')).toEqual({ text: '<a>Acme été</a>', decoding: { charset: 'utf-16le', from: 'bom', replaced: 0, rejected: [] } });
  });

  it('counts what could not be decoded, not a U+FFFD the text really holds', () => {
    // A declared Shift_JIS with a truncated two-byte character at the end: one sequence lost.
    const sjis = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><a>'), Buffer.from([0x82, 0xa0, 0x82])]);
    expect(decodeBody(sjis, undefined).decoding).toEqual({ charset: 'shift_jis', from: 'xml', replaced: 1, rejected: ['Shift_JIS (XML declaration)'] });
    const genuine = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a \ufffd b '), Buffer.from([0xff])]);
    expect(decodeBody(genuine, undefined).decoding).toMatchObject({ charset: 'utf-8', from: 'bom', replaced: 1 });
  });

  it('an unknown charset label is named and ignored', () => {
    expect(decodeBody(Buffer.from('<a>ok</a>'), 'text/xml; charset=klingon').decoding).toEqual({ charset: 'utf-8', from: 'detected', replaced: 0, rejected: ['klingon (HTTP header: unknown encoding)'] });
  });
});
