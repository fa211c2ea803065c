// The SSRF guard, table-driven, through the real clients: the connectors' HttpClient, the alert
// notifiers' POST and the report webhook. A canary HTTP server on loopback (IPv4 and IPv6) counts
// every request it gets: across the whole table it must see zero.
//
// Never a request to a non-loopback address, even if the guard were broken: every URL that goes
// through a client points at the canary (loopback, however spelled); host names are resolved by a
// resolver the test injects (lookupFor), never by the machine's DNS; the spellings of non-loopback
// addresses (private, link-local, metadata, NAT64...) are judged by the very functions the guard's
// connector and lookup call (checkAddress on the URL's host, guardedLookup), which open no socket.
// Redirects: the redirecting server is reached as http://0.0.0.0:<port>/ (Linux connects 0.0.0.0 to
// the local host), with only "reserved address" allowed; every redirect target is the canary.
import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../../src/alerts/notifiers/http.js';
import { BlockedAddressError, blockedReason, checkAddress, closeHttpAgents, guardedLookup, HttpClient, PRIVATE_NETWORKS, type BlockReason, type ResolveHost } from '../../src/connectors/http/index.js';
import { postOnce } from '../../src/connectors/http/outbound.js';
import { EcouteError } from '../../src/core/errors.js';

interface Canary {
  server: Server;
  port: number;
  hits: string[];
}

async function canary(host: string): Promise<Canary> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host} ${req.url}`);
    res.end('canary');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

let v4: Canary;
let v6: Canary;
let redirector: Server;
let redirectorPort = 0;
/** Where the redirector sends each path: /to/<n> → redirectTargets[n]. */
const redirectTargets: { status: number; location: string }[] = [];
let redirectorHits = 0;

/** The names the test's resolver knows; any other name is ENOTFOUND (the machine's DNS is never asked). */
const NAMES: Record<string, string[]> = {
  'canary.test': ['127.0.0.1'],
  'zero.canary.test': ['0.0.0.0'],
  'localhost': ['127.0.0.1', '::1'],
  'localhost.': ['127.0.0.1'],
  'v6.canary.test': ['::1'],
  'mapped.canary.test': ['::ffff:127.0.0.1'],
  'nat64.canary.test': ['64:ff9b::7f00:1'],
  // A rebinding-style answer: a public address beside the canary; refused whole.
  'mixed.canary.test': ['93.184.215.14', '127.0.0.1'],
  'metadata.google.internal': ['169.254.169.254'],
  'metadata.aws.test': ['fd00:ec2::254'],
  'intranet.test': ['10.1.2.3'],
  'router.test': ['192.168.1.1'],
  'docker.test': ['172.17.0.1'],
  'linklocal.test': ['fe80::1'],
  'ula.test': ['fd12:3456:789a::1'],
  'cgnat.test': ['100.64.0.1'],
  'mapped-private.test': ['::ffff:10.0.0.1'],
  'nat64-private.test': ['64:ff9b::a00:1'],
  'sixto4-private.test': ['2002:c0a8:101::1'],
};

const lookups: string[] = [];
const lookupFor: ResolveHost = (hostname, _options, callback) => {
  lookups.push(hostname);
  const answer = NAMES[hostname.toLowerCase()];
  if (!answer) {
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }) as NodeJS.ErrnoException;
    process.nextTick(() => callback(error, []));
    return;
  }
  const addresses: LookupAddress[] = answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  process.nextTick(() => callback(null, addresses));
};

beforeAll(async () => {
  v4 = await canary('127.0.0.1');
  v6 = await canary('::1');
  redirector = createServer((req, res) => {
    redirectorHits++;
    const n = Number(/^\/to\/(\d+)$/.exec(req.url ?? '')?.[1]);
    const target = redirectTargets[n];
    if (!target) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(target.status, { location: target.location }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorPort = (redirector.address() as AddressInfo).port;
});

afterAll(async () => {
  await closeHttpAgents();
  for (const s of [v4?.server, v6?.server, redirector]) await new Promise((resolve) => s?.close(resolve));
});

const P = () => v4.port;
const P6 = () => v6.port;

/** Every spelling of a loopback (or local) address that reaches the canary if the guard lets it. */
const LOOPBACK_URLS: [string, () => string][] = [
  ['dotted', () => `http://127.0.0.1:${P()}/`],
  ['another 127/8 address', () => `http://127.0.0.2:${P()}/`],
  ['decimal', () => `http://2130706433:${P()}/`],
  ['octal', () => `http://0177.0.0.1:${P()}/`],
  ['octal, padded', () => `http://0000177.0.0.01:${P()}/`],
  ['hex, dotted', () => `http://0x7f.0x0.0x0.0x1:${P()}/`],
  ['hex, short', () => `http://0x7f.1:${P()}/`],
  ['hex, whole', () => `http://0x7f000001:${P()}/`],
  ['octal, whole', () => `http://017700000001:${P()}/`],
  ['short form 127.1', () => `http://127.1:${P()}/`],
  ['short form 127.0.1', () => `http://127.0.1:${P()}/`],
  ['trailing dot', () => `http://127.0.0.1.:${P()}/`],
  ['full-width digits and ideographic dots', () => `http://１２７。０。０。１:${P()}/`],
  ['0.0.0.0 (connects to the local host)', () => `http://0.0.0.0:${P()}/`],
  ['0 (0.0.0.0)', () => `http://0:${P()}/`],
  ['userinfo trick good@127.0.0.1', () => `http://good.example.com@127.0.0.1:${P()}/`],
  ['userinfo trick with a port-looking password', () => `http://good.example.com:80@127.0.0.1:${P()}/`],
  ['IPv6 loopback', () => `http://[::1]:${P6()}/`],
  ['IPv6 loopback, long form', () => `http://[0:0:0:0:0:0:0:1]:${P6()}/`],
  ['IPv6 unspecified [::]', () => `http://[::]:${P6()}/`],
  ['IPv4-mapped, dotted', () => `http://[::ffff:127.0.0.1]:${P()}/`],
  ['IPv4-mapped, hex', () => `http://[::ffff:7f00:1]:${P()}/`],
  ['IPv4-mapped, long hex', () => `http://[0:0:0:0:0:ffff:7f00:0001]:${P()}/`],
  ['IPv4-compatible', () => `http://[::127.0.0.1]:${P()}/`],
  ['IPv4-translated (SIIT)', () => `http://[::ffff:0:127.0.0.1]:${P()}/`],
  ['name resolving to 127.0.0.1', () => `http://canary.test:${P()}/`],
  ['localhost', () => `http://localhost:${P()}/`],
  ['localhost with trailing dot', () => `http://localhost.:${P()}/`],
  ['LOCALHOST upper case', () => `http://LOCALHOST:${P()}/`],
  ['name resolving to ::1', () => `http://v6.canary.test:${P6()}/`],
  ['name resolving to ::ffff:127.0.0.1', () => `http://mapped.canary.test:${P()}/`],
  ['name resolving to a public and a loopback address (rebinding)', () => `http://mixed.canary.test:${P()}/`],
];

function refusal(error: unknown): string {
  if (error instanceof BlockedAddressError) return 'blocked';
  if (error instanceof EcouteError) return error.code;
  return String((error as Error)?.message ?? error);
}

describe('SSRF: the connectors\' client refuses every loopback spelling (canary sees nothing)', () => {
  const client = new HttpClient({ lookup: lookupFor, timeoutMs: 5000, maxRedirects: 3 });

  it.each(LOOPBACK_URLS)('%s', async (_what, url) => {
    const error = await client.request(url()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${url()} was fetched`).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).code).toBe('SOURCE_BLOCKED');
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });

  it('a zone id in a bracketed IPv6 URL is not a URL at all', () => {
    for (const url of ['http://[fe80::1%25lo]/', 'http://[::1%25lo]:80/', 'http://[fe80::1%lo]/']) expect(() => new URL(url)).toThrow();
  });
});

describe('SSRF: redirects to the canary are refused at each hop', () => {
  // The redirector is on 127.0.0.1 with loopback allowed (its only way in): every target is a
  // spelling of the unspecified address (0.0.0.0, [::]), refused as "reserved", which the kernel
  // would connect to the local host, so a guard that let one through would hit the canary.
  const client = new HttpClient({ lookup: lookupFor, allowAddressKinds: ['loopback address'], timeoutMs: 5000 });
  const targets: [number, () => string][] = [
    [301, () => `http://0.0.0.0:${P()}/`],
    [302, () => `http://0:${P()}/`],
    [303, () => `http://0x0:${P()}/`],
    [307, () => `http://0.0:${P()}/`],
    [308, () => `http://[::]:${P6()}/`],
    [302, () => `http://[::ffff:0.0.0.0]:${P()}/`],
    [302, () => `http://zero.canary.test:${P()}/latest`],
    [302, () => `http://good.example.com@0.0.0.0:${P()}/`],
    [302, () => `//0.0.0.0:${P()}/protocol-relative`],
  ];

  it.each(targets)('%i to %s', async (status, target) => {
    const n = redirectTargets.push({ status, location: target() }) - 1;
    const before = redirectorHits;
    const error = await client.request(`http://127.0.0.1:${redirectorPort}/to/${n}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(redirectorHits, 'the redirector answered the first hop').toBe(before + 1);
    expect(refusal(error)).toBe('blocked');
    expect((error as Error).message).toMatch(/reserved address/);
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });

  it('a redirect to a non-http scheme is refused (file:, gopher:)', async () => {
    for (const location of ['file:///etc/passwd', `gopher://127.0.0.1:${P()}/`]) {
      const n = redirectTargets.push({ status: 302, location }) - 1;
      const error = await client.request(`http://127.0.0.1:${redirectorPort}/to/${n}`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(/only http and https URLs are fetched/);
    }
    expect(v4.hits).toEqual([]);
  });

  it('the connection to 0.0.0.0 is refused before connecting, and again once connected (its peer is 127.0.0.1)', async () => {
    // Only "reserved" allowed: the literal passes the first check, the socket's peer (loopback) does not.
    const lenient = new HttpClient({ lookup: lookupFor, allowAddressKinds: ['reserved address'], timeoutMs: 5000 });
    const error = await lenient.request(`http://0.0.0.0:${P()}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/refused to connect to 0\.0\.0\.0 \(127\.0\.0\.1\): loopback address/);
    expect(v4.hits).toEqual([]);
  });
});

describe('SSRF: alert notifiers and the report webhook', () => {
  it.each(LOOPBACK_URLS.filter(([what]) => !what.includes('0.0.0.0') && !what.startsWith('0 ')))('notifier, allow_private_networks false: %s', async (_what, url) => {
    const error = await postJson(url(), '{}', {}, { timeoutMs: 5000, where: 'webhook notifier ops', allowPrivateNetworks: false, lookup: lookupFor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as EcouteError).code).toBe('NOTIFY_BLOCKED');
    expect((error as EcouteError).retriable).toBe(false);
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });

  it('a notifier never follows a redirect (a 3xx is a failed try, the target sees nothing)', async () => {
    // Private networks allowed here (the default), so only the no-redirect rule protects the canary.
    const n = redirectTargets.push({ status: 307, location: `http://127.0.0.1:${P()}/stolen` }) - 1;
    const error = await postJson(`http://127.0.0.1:${redirectorPort}/to/${n}`, '{"secret":"signed"}', {}, { timeoutMs: 5000, where: 'slack notifier comms', allowPrivateNetworks: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as EcouteError).code).toBe('NOTIFY_HTTP');
    expect((error as Error).message).toMatch(/answered 307/);
    expect(v4.hits).toEqual([]);
  });

  it('the report webhook\'s POST never follows a redirect either (its bearer token stays home)', async () => {
    const n = redirectTargets.push({ status: 308, location: `http://127.0.0.1:${P()}/stolen` }) - 1;
    const answer = await postOnce({ url: `http://127.0.0.1:${redirectorPort}/to/${n}`, body: '{}', headers: { authorization: 'Bearer t' }, timeoutMs: 5000, allowPrivateNetworks: true });
    expect(answer.status).toBe(308);
    expect(v4.hits).toEqual([]);
  });

  it('the report webhook with allow_private_networks false refuses loopback', async () => {
    const error = await postOnce({ url: `http://[::ffff:127.0.0.1]:${P()}/`, body: '{}', headers: {}, timeoutMs: 5000, allowPrivateNetworks: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(v4.hits).toEqual([]);
  });
});

/** Non-loopback spellings: judged by the guard's own functions, which never open a socket. */
const LITERALS: [string, BlockReason][] = [
  ['http://10.0.0.1/', 'private address'],
  ['http://10.255.255.255/', 'private address'],
  ['http://172.16.0.1/', 'private address'],
  ['http://172.31.255.254/', 'private address'],
  ['http://192.168.0.1/', 'private address'],
  ['http://012.0.0.1/', 'private address'], // octal 10.0.0.1
  ['http://0xa.0.0.1/', 'private address'],
  ['http://167772161/', 'private address'], // 10.0.0.1
  ['http://0xc0.0xa8.1/', 'private address'], // 192.168.0.1
  ['http://192.168.1.1./', 'private address'],
  ['http://169.254.0.1/', 'link-local address'],
  ['http://[fe80::1]/', 'link-local address'],
  ['http://[febf:ffff::1]/', 'link-local address'],
  ['http://100.64.0.1/', 'carrier-grade NAT address'],
  ['http://[fd12:3456:789a::1]/', 'unique-local IPv6 address'],
  ['http://[fc00::1]/', 'unique-local IPv6 address'],
  ['http://[fec0::1]/', 'unique-local IPv6 address'],
  ['http://169.254.169.254/', 'cloud metadata address'],
  ['http://2852039166/', 'cloud metadata address'], // 169.254.169.254 in decimal
  ['http://0xa9.0xfe.0xa9.0xfe/', 'cloud metadata address'],
  ['http://0251.0376.0251.0376/', 'cloud metadata address'],
  ['http://169.254.43518/', 'cloud metadata address'], // 169.254.169.254, short form
  ['http://[::ffff:169.254.169.254]/', 'cloud metadata address'],
  ['http://[::ffff:a9fe:a9fe]/', 'cloud metadata address'],
  ['http://[64:ff9b::169.254.169.254]/', 'cloud metadata address'],
  ['http://[fd00:ec2::254]/', 'cloud metadata address'],
  ['http://[FD00:EC2:0:0:0:0:0:254]/', 'cloud metadata address'],
  ['http://169.254.170.2/', 'cloud metadata address'],
  ['http://100.100.100.200/', 'cloud metadata address'],
  ['http://168.63.129.16/', 'cloud metadata address'],
  ['http://[::ffff:10.0.0.1]/', 'private address'],
  ['http://[::ffff:a00:1]/', 'private address'],
  ['http://[64:ff9b::10.0.0.1]/', 'private address'], // NAT64 with an embedded private v4
  ['http://[64:ff9b::a00:1]/', 'private address'],
  ['http://[64:ff9b::7f00:1]/', 'loopback address'],
  ['http://[64:ff9b:1::a00:1]/', 'reserved address'], // local-use NAT64 (RFC 8215)
  ['http://[2002:c0a8:101::1]/', 'private address'], // 6to4 of 192.168.1.1
  ['http://[2002:7f00:1::1]/', 'loopback address'], // 6to4 of 127.0.0.1
  ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'loopback address'], // Teredo, client 127.0.0.1 (inverted)
  ['http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'private address'], // Teredo, client 10.0.0.1
  ['http://0.1.2.3/', 'reserved address'],
  ['http://192.0.0.1/', 'reserved address'],
  ['http://192.0.2.1/', 'reserved address'],
  ['http://198.18.0.1/', 'reserved address'],
  ['http://192.88.99.1/', 'reserved address'],
  ['http://224.0.0.1/', 'reserved address'],
  ['http://255.255.255.255/', 'reserved address'],
  ['http://[ff02::1]/', 'reserved address'],
  ['http://[2001:db8::1]/', 'reserved address'],
  ['http://[100::1]/', 'reserved address'],
];

describe('SSRF: every non-loopback spelling is refused by the check the connector runs', () => {
  it.each(LITERALS)('%s is a %s', (url, reason) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    expect(blockedReason(host)).toBe(reason);
    expect(() => checkAddress(host, host, { allow: new Set() })).toThrow(BlockedAddressError);
    // Metadata stays refused even with private networks allowed.
    if (reason === 'cloud metadata address') expect(() => checkAddress(host, host, { allow: PRIVATE_NETWORKS })).toThrow(/always refused/);
    else expect(() => checkAddress(host, host, { allow: PRIVATE_NETWORKS })).not.toThrow();
  });

  it('public addresses pass (the guard is not a blanket refusal)', () => {
    for (const address of ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '64:ff9b::808:808', '::ffff:8.8.8.8', '2002:808:808::1', '172.32.0.1', '100.128.0.1', '169.255.0.1']) {
      expect(blockedReason(address), address).toBeUndefined();
    }
  });
});

describe('SSRF: names resolving to forbidden addresses are refused by the guard\'s lookup', () => {
  const refusedNames: [string, BlockReason][] = [
    ['metadata.google.internal', 'cloud metadata address'],
    ['METADATA.GOOGLE.INTERNAL', 'cloud metadata address'],
    ['metadata.aws.test', 'cloud metadata address'],
    ['intranet.test', 'private address'],
    ['router.test', 'private address'],
    ['docker.test', 'private address'],
    ['linklocal.test', 'link-local address'],
    ['ula.test', 'unique-local IPv6 address'],
    ['cgnat.test', 'carrier-grade NAT address'],
    ['mapped-private.test', 'private address'],
    ['nat64-private.test', 'private address'],
    ['nat64.canary.test', 'loopback address'],
    ['sixto4-private.test', 'private address'],
    ['mixed.canary.test', 'loopback address'],
  ];
  it.each(refusedNames)('%s (%s)', async (name, reason) => {
    const lookup = guardedLookup({ allow: new Set(), lookup: lookupFor }) as unknown as (h: string, o: object, cb: (e: Error | null, a?: unknown) => void) => void;
    const error = await new Promise<Error | null>((resolve) => lookup(name, { all: true }, (e) => resolve(e)));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error?.message).toContain(reason);
    if (reason === 'cloud metadata address') {
      const lenient = guardedLookup({ allow: PRIVATE_NETWORKS, lookup: lookupFor }) as unknown as typeof lookup;
      const again = await new Promise<Error | null>((resolve) => lenient(name, { all: true }, (e) => resolve(e)));
      expect(again).toBeInstanceOf(BlockedAddressError);
    }
  });

  it('the client asked the test resolver, never the machine\'s DNS, and the canary saw zero requests in all', () => {
    expect(lookups).toContain('canary.test');
    expect(lookups).toContain('metadata.google.internal');
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });
});

describe('the canary is live (the table above could fail)', () => {
  it('with loopback allowed, the same client reaches it', async () => {
    const client = new HttpClient({ lookup: lookupFor, allowAddressKinds: ['loopback address'], timeoutMs: 5000 });
    const response = await client.request(`http://canary.test:${P()}/alive`);
    expect(response.text).toBe('canary');
    expect(v4.hits).toHaveLength(1);
    v4.hits.length = 0;
  });
});
