// HTML to plain text for the sources that send HTML (feeds, Mastodon, YouTube comments): what the
// analysis and the search index see is the words people wrote, not markup.
import { boundedJson } from './bounds.js';

import { decodeHTML, escapeUTF8 } from 'entities';

/**
 * Decodes HTML character references with the full HTML5 set (`&bdquo;`, `&Uuml;`, legacy
 * forms without the semicolon such as `&eacute`), case-sensitively as HTML does, in one pass
 * (`&amp;lt;` gives "&lt;", not "<"). The `entities` package keeps the table maintained.
 */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}

/** Escapes text so that it reads back as itself through htmlToText (for XHTML text nodes). */
export function escapeHtml(text: string): string {
  return escapeUTF8(text);
}

// Elements that start a new line where a browser would (their start and end tags both break).
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section',
  'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul',
]);
// Elements a browser shows apart from their neighbours on the same line (table cells, images).
const SPACED = new Set(['td', 'th', 'img', 'input', 'button', 'select', 'textarea', 'video', 'audio', 'iframe', 'object', 'embed']);
// Whose content is not text a reader sees.
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'head', 'title']);

// A tag: its name, then attributes whose quoted values may hold ">". A "<" not followed by a
// name, "/" or "!" is text ("3 < 4").
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

/**
 * HTML to the text a reader sees: tags out, with a line break where a block started or ended
 * (paragraphs, list items, line breaks) and a space around table cells and images; inline
 * elements (`<b>`, `<a>`) add nothing, as in a browser, so "Ac<b>me</b>" stays one word.
 * Scripts, styles and comments are dropped, entities decoded (after the tags are out, so an
 * escaped "&lt;b&gt;" stays text).
 */
export function htmlToText(html: string): string {
  let out = '';
  let last = 0;
  const token = new RegExp(TOKEN.source, 'g');
  for (let m = token.exec(html); m !== null; m = token.exec(html)) {
    out += decodeEntities(html.slice(last, m.index));
    last = token.lastIndex;
    if (m[1] !== undefined) {
      out += m[1];
      continue;
    }
    const name = m[3]?.toLowerCase();
    if (!name) continue;
    const closing = m[2] === '/';
    if (!closing && HIDDEN.has(name) && !/\/\s*$/.test(m[4] ?? '')) {
      // Their content is raw text ("a<b" in a script is no tag): skip to the end tag.
      const end = new RegExp(`</${name}\\s*>`, 'ig');
      end.lastIndex = last;
      last = end.exec(html) ? end.lastIndex : html.length;
      token.lastIndex = last;
      continue;
    }
    // A block boundary is one line break however many blocks meet there ("</p><p>"); each <br> is one.
    if (name === 'br') out += '\n';
    else if (BLOCK.has(name)) out = /\n[ \t]*$/.test(out) ? out : `${out}\n`;
    else if (name === 'img') out += ` ${decodeEntities(attribute(m[4] ?? '', 'alt') ?? '')} `;
    else if (SPACED.has(name)) out += ' ';
  }
  out += decodeEntities(html.slice(last));
  return out
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function attribute(attributes: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** An ISO 8601 instant from a date the source gave, or undefined if it cannot be read. */
export function isoDate(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const t = Date.parse(value.trim());
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * A short JSON of an item that could not be read, for the dead-letter topic. Written without
 * recursion (bounds.ts): a hostile source's item nested thousands of levels deep is cut like a long one.
 */
export function inputOf(value: unknown, max = 4000): string {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…` : value;
  const { text, truncated } = boundedJson(value, max);
  return truncated ? `${text}…` : text;
}
