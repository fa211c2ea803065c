// The feed's XML as a small element tree, in document order, so that mixed content ("Acme <b>was</b>
// late") keeps every word and its place. fast-xml-parser (preserveOrder) reads the XML; this module
// gives each element its resolved xml:base and inherited xml:lang, decodes character references
// once (XML's and the HTML names feeds use without declaring them), and turns a subtree back into
// text, HTML or XML.
import { XMLParser } from 'fast-xml-parser';
import { decodeEntities, escapeHtml, htmlToText } from '../text.js';

export interface XmlElement {
  /** Qualified name as written (`media:group`, `content:encoded`). */
  name: string;
  /** Attribute values, character references decoded. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The base URI relative references in this element resolve against (xml:base, else the parent's, else the document's). */
  base: string;
  /** The xml:lang in scope, if any. */
  lang?: string;
}

export type XmlNode = XmlElement | { text: string };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Whitespace between inline elements separates words: kept, and normalized when text is read.
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Decoded here, once, so that "&amp;lt;" in an HTML description stays the text "&lt;" for the HTML
  // reader; and no DTD entity is ever expanded (no billion laughs, no external fetch).
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
});

type Ordered = Record<string, unknown>;

/** Parses `xml`; relative references resolve against `documentUrl`. Throws on text that is not XML. */
export function parseXml(xml: string, documentUrl: string): XmlElement[] {
  const top = parser.parse(xml) as Ordered[];
  const root: XmlElement = { name: '#document', attrs: {}, children: [], base: documentUrl };
  root.children = convert(top, root);
  return root.children.filter(isElement);
}

function convert(list: Ordered[], parent: XmlElement): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of list) {
    const name = Object.keys(item).find((k) => k !== ':@');
    if (name === undefined) continue;
    const value = item[name];
    if (name === '#text') {
      out.push({ text: decodeEntities(String(value)) });
    } else if (name === '#cdata') {
      // CDATA is literal: no reference in it is decoded.
      out.push({ text: (value as Ordered[]).map((t) => String(t['#text'] ?? '')).join('') });
    } else if (!name.startsWith('?') && !name.startsWith('!')) {
      const raw = (item[':@'] ?? {}) as Record<string, unknown>;
      const attrs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeEntities(String(v))]));
      const el: XmlElement = { name, attrs, children: [], base: resolveUrl(attrs['xml:base'], parent.base) ?? parent.base };
      const lang = attrs['xml:lang'] ?? parent.lang;
      if (lang !== undefined) el.lang = lang;
      el.children = convert(Array.isArray(value) ? (value as Ordered[]) : [], el);
      out.push(el);
    }
  }
  return out;
}

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return node !== undefined && 'name' in node;
}

/** `reference` made absolute against `base`; undefined when it cannot be (empty, or no usable base). */
export function resolveUrl(reference: string | undefined, base: string): string | undefined {
  const ref = reference?.trim();
  if (!ref) return undefined;
  try {
    return new URL(ref, base).toString();
  } catch {
    return undefined;
  }
}

/** Child elements named `name`. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c): c is XmlElement => isElement(c) && c.name === name) : [];
}

/** The first child element with the first of `names` present. */
export function child(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  for (const name of names) {
    const found = children(el, name)[0];
    if (found) return found;
  }
  return undefined;
}

/** All the text of the subtree, whitespace collapsed; undefined when there is none. */
export function plainText(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const text = rawText(el).replace(/\s+/g, ' ').trim();
  return text || undefined;
}

function rawText(el: XmlElement): string {
  return el.children.map((c) => (isElement(c) ? rawText(c) : c.text)).join('');
}

export type ContentType = 'text' | 'html' | 'xhtml';

/** Atom's text constructs (`type="text|html|xhtml"`, or a MIME type) and Media RSS's `type="plain|html"`. */
export function contentType(el: XmlElement, fallback: ContentType): ContentType {
  const type = el.attrs.type?.trim().toLowerCase();
  if (!type) return fallback;
  if (type === 'xhtml' || type === 'application/xhtml+xml') return 'xhtml';
  if (type === 'html' || type === 'text/html') return 'html';
  if (type === 'text' || type === 'plain' || type.startsWith('text/')) return 'text';
  return fallback;
}

/**
 * The text a reader sees in an element's content. `html`: the text is HTML source (escaped or in
 * CDATA; markup written as elements counts too), read by htmlToText. `xhtml`: the children are
 * XHTML elements, whose text nodes are text. `text`: plain text, line breaks kept.
 */
export function readableText(el: XmlElement | undefined, type: ContentType): string | undefined {
  if (!el) return undefined;
  if (type === 'text') {
    const text = rawText(el).replace(/\r\n?/g, '\n').replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    return text || undefined;
  }
  return htmlToText(htmlOf(el.children, type === 'xhtml')) || undefined;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Serializes nodes as HTML; `escapeText` when text nodes are text (XHTML) rather than HTML source. */
function htmlOf(nodes: XmlNode[], escapeText: boolean): string {
  return nodes
    .map((n) => {
      if (!isElement(n)) return escapeText ? escapeHtml(n.text) : n.text;
      // XHTML elements may carry a prefix (xhtml:div); HTML knows them by their local name.
      const local = n.name.slice(n.name.indexOf(':') + 1);
      const attrs = Object.entries(n.attrs)
        .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
        .join('');
      // A void element (<br/>) is one tag: an end tag would count as a second break.
      return VOID.has(local.toLowerCase()) ? `<${local}${attrs}>` : `<${local}${attrs}>${htmlOf(n.children, escapeText)}</${local}>`;
    })
    .join('');
}

/** The element back as XML (for a dead letter: what the feed held, as it was). */
export function xmlOf(el: XmlElement): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  const inner = el.children.map((c) => (isElement(c) ? xmlOf(c) : escapeHtml(c.text))).join('');
  return `<${el.name}${attrs}>${inner}</${el.name}>`;
}
