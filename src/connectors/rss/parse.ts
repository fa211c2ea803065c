// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds to mentions. Pure: the feed text in, entries out, so
// recorded feeds can test it. An entry without a date gets the time écoute first saw it, which the
// caller keeps in its cursor so the date stays the same on every later read.
import { createHash } from 'node:crypto';
import type { RawMention } from '../../core/types.js';
import { MalformedResponseError, describeUrl } from '../http/errors.js';
import type { Item } from '../poller.js';
import { inputOf, isoDate } from '../text.js';
import { child, children, contentType, parseXml, plainText, readableText, resolveUrl, xmlOf, type XmlElement } from './xml.js';

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

/** Atom: the rel="alternate" link (the default rel), else the first; its href resolved against its xml:base. */
function atomLink(entry: XmlElement): string | undefined {
  const links = children(entry, 'link');
  const alternate = links.find((l) => (l.attrs.rel?.trim() || 'alternate') === 'alternate') ?? links[0];
  if (!alternate) return undefined;
  return resolveUrl(alternate.attrs.href ?? plainText(alternate), alternate.base);
}

/** RSS: <link> (resolved against xml:base and the feed's URL), else a guid that is a permalink. */
function rssLink(item: XmlElement): string | undefined {
  const link = child(item, 'link');
  // Some feeds write it Atom-style, <link href="..."/>, inside RSS.
  const href = link && resolveUrl(plainText(link) ?? link.attrs.href, link.base);
  if (href) return href;
  const guid = child(item, 'guid');
  const id = plainText(guid);
  return guid && id && guid.attrs.isPermaLink?.trim().toLowerCase() !== 'false' && /^https?:\/\//i.test(id) ? id : undefined;
}

/** Media RSS (YouTube, podcasts, Flickr): media:description on the item, or in its media:group / media:content. */
function mediaDescription(item: XmlElement): string | undefined {
  const holders = [item, ...children(item, 'media:group'), ...children(item, 'media:content'), ...children(item, 'media:group').flatMap((g) => children(g, 'media:content'))];
  for (const holder of holders) {
    const description = child(holder, 'media:description');
    const text = description && readableText(description, contentType(description, 'text'));
    if (text) return text;
  }
  return undefined;
}

/** The text of the first of `names` that has some. */
function firstText(el: XmlElement | undefined, ...names: string[]): string | undefined {
  for (const name of names) {
    const text = plainText(child(el, name));
    if (text) return text;
  }
  return undefined;
}

/** An Atom text construct (title, summary, content): text unless its type says html or xhtml. */
function atomText(el: XmlElement | undefined): string | undefined {
  return el && readableText(el, contentType(el, 'text'));
}

/** An RSS field: HTML by convention (escaped, in CDATA, or written as elements). */
function rssText(el: XmlElement | undefined): string | undefined {
  return el && readableText(el, contentType(el, 'html'));
}

export interface ParseOptions {
  /** The URL the feed was read from after redirects: relative links resolve against it (default: feedUrl). */
  baseUrl?: string;
}

/**
 * Parses a feed. `firstSeen(id)` gives the date of an entry without one (the caller keeps it
 * stable); `feedUrl` makes feed-local guids unique and names the feed in errors.
 */
export function parseFeed(xml: string, feedUrl: string, firstSeen: (id: string) => string, options: ParseOptions = {}): ParsedFeed {
  const where = describeUrl(feedUrl);
  if (/<!ENTITY/i.test(xml.slice(0, 4096))) throw new MalformedResponseError(where, 'feeds with entity declarations are not accepted');
  let roots: XmlElement[];
  try {
    roots = parseXml(xml, options.baseUrl ?? feedUrl);
  } catch (error) {
    throw new MalformedResponseError(where, `not XML (${(error as Error).message.split('\n')[0]})`);
  }
  const root = roots[0];
  const host = new URL(feedUrl).host;
  if (root?.name === 'rss') {
    const channel = child(root, 'channel');
    return parseRss(channel, children(channel, 'item'));
  }
  if (root?.name === 'rdf:RDF') {
    const channel = child(root, 'channel');
    return parseRss(channel, [...children(root, 'item'), ...children(channel, 'item')]);
  }
  if (root?.name === 'feed') return parseAtom(root);
  throw new MalformedResponseError(where, `not an RSS or Atom feed (root element: ${root?.name ?? 'nothing'})`);

  function entry(fields: { id?: string; link?: string; title?: string; body?: string; date?: string; author?: string; raw: XmlElement }, feed: { title?: string; lang?: string }): FeedEntry {
    const link = unwrapLink(fields.link);
    const title = fields.title;
    const body = fields.body ?? '';
    const localId = fields.id ?? link;
    const id = localId
      ? isGlobalId(localId)
        ? localId
        : `${feedUrl}#${localId}`
      : `${feedUrl}#${createHash('sha256').update(`${title ?? ''}\n${body}`).digest('hex').slice(0, 24)}`;
    const published = isoDate(fields.date);
    const contentText = body || title || '';
    if (!contentText) return { id, dated: published !== undefined, item: { ok: false, reason: 'entry has neither title nor text', input: inputOf(xmlOf(fields.raw)) } };
    const authorName = fields.author?.replace(/^\S+@\S+\s*\((.+)\)$/, '$1').trim() || feed.title || host;
    const mention: RawMention = {
      source: 'rss',
      sourceId: id,
      author: { id: `${host}/${authorName}`, name: authorName },
      ...(title && body && { title }),
      text: contentText,
      publishedAt: published ?? firstSeen(id),
      ...(link && { url: link }),
      ...(feed.lang && { lang: feed.lang }),
      raw: { feed: feedUrl, ...(feed.title && { feedTitle: feed.title }) },
    };
    return { id, dated: published !== undefined, item: { ok: true, mention } };
  }

  function parseRss(channel: XmlElement | undefined, items: XmlElement[]): ParsedFeed {
    const title = rssText(child(channel, 'title'));
    const lang = primaryLang(firstText(channel, 'language', 'dc:language') ?? channel?.lang);
    const feed = { ...(title && { title }), ...(lang && { lang }) };
    const entries = items.map((it) =>
      entry(
        {
          id: plainText(child(it, 'guid')) ?? it.attrs['rdf:about']?.trim(),
          link: rssLink(it),
          title: rssText(child(it, 'title')),
          body: rssText(child(it, 'content:encoded')) ?? rssText(child(it, 'description')) ?? mediaDescription(it),
          date: firstText(it, 'pubDate', 'dc:date', 'published', 'updated'),
          author: firstText(it, 'dc:creator', 'author'),
          raw: it,
        },
        { ...feed, ...(primaryLang(it.attrs['xml:lang']) && { lang: primaryLang(it.attrs['xml:lang']) }) },
      ),
    );
    return { ...feed, entries };
  }

  function parseAtom(root: XmlElement): ParsedFeed {
    const title = atomText(child(root, 'title'));
    const lang = primaryLang(root.lang);
    const feed = { ...(title && { title }), ...(lang && { lang }) };
    const feedAuthor = plainText(child(child(root, 'author'), 'name'));
    const entries = children(root, 'entry').map((it) =>
      entry(
        {
          id: plainText(child(it, 'id')),
          link: atomLink(it),
          title: atomText(child(it, 'title')) ?? plainText(child(child(it, 'media:group'), 'media:title')),
          body: atomText(child(it, 'content')) ?? atomText(child(it, 'summary')) ?? mediaDescription(it),
          date: firstText(it, 'published', 'updated'),
          author: plainText(child(child(it, 'author'), 'name')) ?? feedAuthor,
          raw: it,
        },
        { ...feed, ...(primaryLang(it.lang) && { lang: primaryLang(it.lang) }) },
      ),
    );
    return { ...feed, entries };
  }
}
