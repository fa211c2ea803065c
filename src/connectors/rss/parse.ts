// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds to mentions. Pure: the feed text in, entries out, so
// recorded feeds can test it. An entry without a date gets the time écoute first saw it, which the
// caller keeps in its cursor so the date stays the same on every later read.
import { XMLParser } from 'fast-xml-parser';
import { createHash } from 'node:crypto';
import type { RawMention } from '../../core/types.js';
import { MalformedResponseError, describeUrl } from '../http/errors.js';
import type { Item } from '../poller.js';
import { htmlToText, inputOf, isoDate } from '../text.js';

export interface FeedEntry {
  /** Source id: the guid (RSS), id (Atom) or link, else a hash of title and text. */
  id: string;
  /** Whether the feed gave a date (otherwise publishedAt is the first-seen time). */
  dated: boolean;
  item: Item;
}

export interface ParsedFeed {
  title?: string;
  lang?: string;
  entries: FeedEntry[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  // Entity expansion stays bounded by the parser's defaults (no billion laughs); external entities are never fetched.
  processEntities: true,
  isArray: (name) => ['item', 'entry', 'link', 'category', 'author', 'dc:creator'].includes(name),
});

type Node = Record<string, unknown>;

function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node).trim() || undefined;
  if (typeof node === 'object') return text((node as Node)['#text']);
  return undefined;
}

function attr(node: unknown, name: string): string | undefined {
  return node && typeof node === 'object' && !Array.isArray(node) ? text((node as Node)[`@_${name}`]) : undefined;
}

/** Google Alerts wraps every link in https://www.google.com/url?...&url=<the article>: keep the article. */
function unwrapLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const u = new URL(link);
    if (/(^|\.)google\.[a-z.]+$/.test(u.hostname) && u.pathname === '/url') return u.searchParams.get('url') ?? u.searchParams.get('q') ?? link;
    return u.toString();
  } catch {
    return undefined;
  }
}

function primaryLang(lang: string | undefined): string | undefined {
  const primary = lang?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

function isGlobalId(id: string): boolean {
  // URLs, tag: and urn: URIs are unique across feeds; a bare "1234" is only unique within its feed.
  return /^[a-z][a-z0-9+.-]*:/i.test(id);
}

function atomLink(links: unknown): string | undefined {
  const list = (Array.isArray(links) ? links : [links]).filter(Boolean);
  const alternate = list.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? list[0];
  return attr(alternate, 'href') ?? text(alternate);
}

/**
 * Parses a feed. `firstSeen(id)` gives the date of an entry without one (the caller keeps it
 * stable); `feedUrl` makes feed-local guids unique and names the feed in errors.
 */
export function parseFeed(xml: string, feedUrl: string, firstSeen: (id: string) => string): ParsedFeed {
  const where = describeUrl(feedUrl);
  if (/<!ENTITY/i.test(xml.slice(0, 4096))) throw new MalformedResponseError(where, 'feeds with entity declarations are not accepted');
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    throw new MalformedResponseError(where, `not XML (${(error as Error).message.split('\n')[0]})`);
  }
  const rss = doc.rss as Node | undefined;
  const atom = doc.feed as Node | undefined;
  const rdf = doc['rdf:RDF'] as Node | undefined;
  if (rss && typeof rss === 'object') return parseRss((rss.channel ?? {}) as Node, (rss.channel as Node | undefined)?.item, feedUrl);
  if (rdf && typeof rdf === 'object') return parseRss((rdf.channel ?? {}) as Node, rdf.item ?? (rdf.channel as Node | undefined)?.item, feedUrl);
  if (atom && typeof atom === 'object') return parseAtom(atom, feedUrl);
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'nothing';
  throw new MalformedResponseError(where, `not an RSS or Atom feed (root element: ${root})`);

  function entry(fields: { id?: string; link?: string; title?: string; body?: string; date?: string; author?: string; raw: unknown }, feed: { title?: string; lang?: string; host: string }): FeedEntry {
    const link = unwrapLink(fields.link);
    const title = fields.title ? htmlToText(fields.title) : undefined;
    const body = fields.body ? htmlToText(fields.body) : '';
    const localId = fields.id ?? link;
    const id = localId
      ? isGlobalId(localId)
        ? localId
        : `${feedUrl}#${localId}`
      : `${feedUrl}#${createHash('sha256').update(`${title ?? ''}\n${body}`).digest('hex').slice(0, 24)}`;
    const published = isoDate(fields.date);
    const contentText = body || title || '';
    if (!contentText) return { id, dated: published !== undefined, item: { ok: false, reason: 'entry has neither title nor text', input: inputOf(fields.raw) } };
    const authorName = fields.author?.replace(/^\S+@\S+\s*\((.+)\)$/, '$1').trim() || feed.title || feed.host;
    const mention: RawMention = {
      source: 'rss',
      sourceId: id,
      author: { id: `${feed.host}/${authorName}`, name: authorName },
      ...(title && body && { title }),
      text: contentText,
      publishedAt: published ?? firstSeen(id),
      ...(link && { url: link }),
      ...(feed.lang && { lang: feed.lang }),
      raw: { feed: feedUrl, ...(feed.title && { feedTitle: feed.title }) },
    };
    return { id, dated: published !== undefined, item: { ok: true, mention } };
  }

  function parseRss(channel: Node, items: unknown, url: string): ParsedFeed {
    const feed = { title: text(channel.title), lang: primaryLang(text(channel.language) ?? text(channel['dc:language'])), host: new URL(url).host };
    const list = (Array.isArray(items) ? items : items ? [items] : []) as Node[];
    const entries = list.map((it) =>
      entry(
        {
          id: text(it.guid) ?? attr(it, 'rdf:about'),
          link: text(it.link),
          title: text(it.title),
          body: text(it['content:encoded']) ?? text(it.description),
          date: text(it.pubDate) ?? text(it['dc:date']) ?? text(it.published) ?? text(it.updated),
          author: text(it['dc:creator']) ?? text(it.author),
          raw: it,
        },
        feed,
      ),
    );
    return { ...(feed.title && { title: feed.title }), ...(feed.lang && { lang: feed.lang }), entries };
  }

  function parseAtom(root: Node, url: string): ParsedFeed {
    const feed = { title: text(root.title), lang: primaryLang(attr(root, 'xml:lang')), host: new URL(url).host };
    const feedAuthor = text((root.author as Node[] | undefined)?.[0]?.name);
    const list = (Array.isArray(root.entry) ? root.entry : []) as Node[];
    const entries = list.map((it) =>
      entry(
        {
          id: text(it.id),
          link: atomLink(it.link),
          title: text(it.title),
          body: text(it.content) ?? text(it.summary),
          date: text(it.published) ?? text(it.updated),
          author: text((it.author as Node[] | undefined)?.[0]?.name) ?? feedAuthor,
          raw: it,
        },
        { ...feed, lang: primaryLang(attr(it, 'xml:lang')) ?? feed.lang },
      ),
    );
    return { ...(feed.title && { title: feed.title }), ...(feed.lang && { lang: feed.lang }), entries };
  }
}
