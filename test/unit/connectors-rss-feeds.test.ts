// Real-world feed shapes through the rss connector and a local HTTP server: text inside child
// elements, Atom html/xhtml content, Media RSS, relative links and xml:base, charsets, entities,
// undated entries.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RssConnector, RssConnectorSchema } from '../../src/connectors/rss/index.js';
import type { RawMention } from '../../src/core/types.js';
import { harness, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';
import { sourceStatuses, formatStatuses } from '../../src/cli/commands/connectors.js';

const bytes = (name: string) => readFileSync(new URL(`../fixtures/connectors/rss/${name}`, import.meta.url));

describe('rss connector: what real feeds hold', () => {
  let h: Harness;
  let server: TestServer;
  let reply: Reply;

  beforeEach(async () => {
    h = harness();
    server = await startServer(() => reply);
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  const read = async (name: string, contentType = 'application/rss+xml', path = '/news/feed.xml') => {
    reply = { headers: { 'content-type': contentType }, body: bytes(name) };
    const config = RssConnectorSchema.parse({ type: 'rss', url: `${server.url}${path}`, allow_private_networks: true });
    const status = await pollOnce(new RssConnector(config, h.context));
    const mentions = await h.mentions();
    const by = (title: string): RawMention | undefined => mentions.find((m) => (m.title ?? m.text) === title);
    return { status, mentions, by };
  };

  it('RSS 2.0: keeps the words inside child elements, reads escaped and CDATA HTML, decodes every HTML5 entity, resolves relative links', async () => {
    const { status, mentions, by } = await read('rss2-html.xml');
    expect(status.lastError).toBeUndefined();
    expect(mentions).toHaveLength(3);
    expect(by('Acme late again')).toMatchObject({
      text: 'Acme delivery was late again, refund please',
      url: `${server.url}/news/2026/11/acme-late`,
      lang: 'en',
    });
    expect(by('Acme’s new warehouse')?.text).toBe('The Acme warehouse opens Monday.\nDrivers say “finally” & hope for fewer delays.');
    expect(by('Acme Lieferung')).toMatchObject({
      text: '„Acme“ Über alles? Nein: die Lieferung kam spät, la señora dice ò e ão, große Enttäuschung.',
      url: `${server.url}/news/2026/11/acme-lieferung`,
      author: { name: 'Jürgen' },
    });
  });

  it('counts entries without a readable date in the status and a log line, and shows the count in `connectors status`', async () => {
    const lines: string[] = [];
    const log = { debug: () => undefined, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m), child: () => log };
    h.context.log = log;
    const { status, by } = await read('rss2-html.xml');
    expect(lines.filter((l) => /without a readable date/.test(l))).toEqual([`rss:${server.url}/news/feed.xml: 1 mention without a readable date, dated by when écoute first saw it`]);
    expect(status.undated).toBe(1);
    expect(status.fetched).toBe(3);
    // Kept, dated by when écoute first saw it.
    expect(Date.parse(by('Acme Lieferung')?.publishedAt ?? '')).not.toBeNaN();
    const config = RssConnectorSchema.parse({ type: 'rss', url: `${server.url}/news/feed.xml`, allow_private_networks: true });
    const [shown] = sourceStatuses([config], h.statusStore);
    expect(shown?.undated).toBe(1);
    expect(formatStatuses(sourceStatuses([config], h.statusStore))).toMatch(/undated\s+1 mention without a readable date/);
    // Read again (unchanged feed, no new entry): the count stays exact.
    const again = await read('rss2-html.xml');
    expect(again.status.undated).toBe(0);
  });

  it('Atom from Reddit: html content with links, xhtml content, relative links against the feed URL', async () => {
    const { mentions, by } = await read('reddit-atom.xml', 'application/atom+xml; charset=UTF-8', '/r/acme/.rss');
    expect(mentions).toHaveLength(2);
    expect(by('Still no parcel')).toMatchObject({
      text: 'Ordered from Acme three weeks ago, still no parcel.\nsubmitted by /u/parcel_pete\n[link] [comments]',
      url: 'https://www.reddit.com/r/acme/comments/1abc/still_no_parcel/',
      author: { name: '/u/parcel_pete' },
    });
    expect(by('Support silence')).toMatchObject({
      text: 'Acme support never answered my three emails.\nSecond try:\nstill nothing.',
      url: `${server.url}/r/acme/comments/1abd/support_silence/`,
    });
  });

  it('YouTube: the body comes from media:group/media:description', async () => {
    const { mentions } = await read('youtube.xml', 'application/atom+xml; charset=UTF-8', '/feeds/videos.xml');
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({
      title: 'Acme blender review',
      text: 'The Acme blender is loud but crushes ice in seconds.\nLinks & specs below.',
      url: 'https://www.youtube.com/watch?v=AbCdEfGhIj0',
    });
  });

  it('GitHub Atom: relative hrefs resolve against xml:base, else the feed URL', async () => {
    const { by } = await read('github-atom.xml', 'application/atom+xml; charset=utf-8', '/acme/widget/releases.atom');
    expect(by('v2.1.0')).toMatchObject({ url: `${server.url}/acme/widget/releases/tag/v2.1.0`, text: 'Fixes the Acme parcel tracker.', lang: 'en' });
    expect(by('v2.0.0')).toMatchObject({ url: 'https://github.com/acme/widget/releases/tag/v2.0.0' });
  });

  it('a windows-1252 feed with no declaration and no charset is detected, not turned into U+FFFD', async () => {
    const { mentions, status } = await read('windows-1252.xml', 'application/rss+xml');
    expect(mentions[0]).toMatchObject({ title: 'Acme lança simulações de entrega', text: 'As simulações da Acme custam € 5 — “barato”, dizem os clientes.', lang: 'pt' });
    expect(status.decoding).toMatchObject({ charset: 'windows-1252', from: 'detected', replaced: 0, rejected: [] });
  });

  it('a windows-1252 feed served as UTF-8: the wrong charset is reported and the bytes read as windows-1252', async () => {
    const { mentions, status } = await read('windows-1252.xml', 'text/xml; charset=utf-8');
    expect(mentions[0]?.text).toContain('simulações');
    expect(status.decoding).toMatchObject({ charset: 'windows-1252', from: 'detected', replaced: 0, rejected: ['utf-8 (HTTP header)'] });
    const config = RssConnectorSchema.parse({ type: 'rss', url: `${server.url}/news/feed.xml`, allow_private_networks: true });
    expect(formatStatuses(sourceStatuses([config], h.statusStore))).toMatch(/charset .*declared utf-8 \(HTTP header\) did not fit; read as windows-1252, 0 undecodable byte sequences/);
  });

  it('an ISO-8859-1 feed with its XML declaration is read by the declaration (as windows-1252, the WHATWG rule)', async () => {
    const plain = await read('iso-8859-1.xml', 'application/xml');
    expect(plain.mentions[0]).toMatchObject({ title: 'Acme déçoit à Noël', text: "Les colis d'Acme arrivent après la fête, « encore »." });
    expect(plain.status.decoding).toBeUndefined();
  });

  it('an ISO-8859-1 feed whose server says UTF-8: the declaration decides', async () => {
    const { mentions, status } = await read('iso-8859-1.xml', 'application/xml; charset=UTF-8');
    expect(mentions[0]?.title).toBe('Acme déçoit à Noël');
    expect(status.decoding).toMatchObject({ charset: 'windows-1252', from: 'xml', replaced: 0, rejected: ['UTF-8 (HTTP header)'] });
  });

  it('bytes that cannot be decoded are counted in the status', async () => {
    // A UTF-8 byte order mark decides, whatever follows: the two windows-1252 bytes are lost and counted.
    reply = { headers: { 'content-type': 'application/rss+xml' }, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss version="2.0"><channel><title>T</title><item><guid>urn:x:1</guid><title>Acme caf\u00e9 cr\u00e8me</title></item></channel></rss>', 'latin1')]) };
    const config = RssConnectorSchema.parse({ type: 'rss', url: `${server.url}/bom.xml`, allow_private_networks: true });
    const status = await pollOnce(new RssConnector(config, h.context));
    expect(status.decoding).toMatchObject({ charset: 'utf-8', from: 'bom', replaced: 2 });
    expect((await h.mentions())[0]?.text).toBe('Acme caf\ufffd cr\ufffdme');
  });
});
