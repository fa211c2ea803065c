import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedReason, BlockedAddressError, closeHttpAgents, HttpClient, HttpError, MalformedResponseError, parseRetryAfter, USER_AGENT } from '../../src/connectors/http/index.js';
import { startServer, type Reply, type TestServer } from '../helpers/connectors.js';

describe('SSRF guard: address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback address'],
    ['127.9.9.9', 'loopback address'],
    ['::1', 'loopback address'],
    ['10.1.2.3', 'private address'],
    ['172.16.0.1', 'private address'],
    ['172.31.255.255', 'private address'],
    ['192.168.1.1', 'private address'],
    ['169.254.1.1', 'link-local address'],
    ['fe80::1', 'link-local address'],
    ['100.64.0.1', 'carrier-grade NAT address'],
    ['fc00::1', 'unique-local IPv6 address'],
    ['fd12:3456::1', 'unique-local IPv6 address'],
    ['169.254.169.254', 'cloud metadata address'],
    ['fd00:ec2::254', 'cloud metadata address'],
    ['fd00:ec2:0:0:0:0:0:254', 'cloud metadata address'],
    ['0.0.0.0', 'reserved address'],
    ['::', 'reserved address'],
    ['::ffff:127.0.0.1', 'loopback address'],
    ['::ffff:7f00:1', 'loopback address'],
    ['::ffff:169.254.169.254', 'cloud metadata address'],
    ['64:ff9b::a00:1', 'private address'],
    ['2002:c0a8:101::1', 'private address'],
  ])('%s is refused as a %s', (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });
});

describe('HTTP client', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req): Reply => {
      switch (req.path) {
        case '/ok':
          return { body: { ok: true, ua: req.headers['user-agent'] } };
        case '/gzip':
          return { headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' }, body: gzipSync('{"zipped":true}') };
        case '/to-private':
          return { status: 302, headers: { location: 'http://10.0.0.1/internal' } };
        case '/to-metadata':
          return { status: 301, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
        case '/loop':
          return { status: 302, headers: { location: '/loop' } };
        case '/hop':
          return { status: 307, headers: { location: `/ok?via=hop` } };
        case '/to-other-origin':
          return { status: 302, headers: { location: `${server.url.replace('127.0.0.1', 'localhost')}/echo-auth` } };
        case '/echo-auth':
          return { body: { authorization: req.headers.authorization ?? null } };
        case '/big':
          return { body: 'x'.repeat(5000) };
        case '/not-json':
          return { body: '<html>oops</html>', headers: { 'content-type': 'text/html' } };
        case '/teapot':
          return { status: 418, body: 'no' };
        default:
          return { status: 404, body: 'not found' };
      }
    });
  });
  afterAll(async () => {
    await server.close();
    await closeHttpAgents();
  });

  it('refuses loopback by default, naming the host and why', async () => {
    const client = new HttpClient();
    const error = await client.request(`${server.url}/ok`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as Error).message).toMatch(/refused to connect to 127\.0\.0\.1: loopback address; set allow_private_networks: true/);
    expect(server.hits('/ok')).toHaveLength(0);
  });

  it('checks after DNS resolution: a name resolving to loopback is refused', async () => {
    const client = new HttpClient();
    const port = new URL(server.url).port;
    const error = await client.request(`http://localhost:${port}/ok`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as Error).message).toMatch(/refused to connect to localhost \((127\.0\.0\.1|::1)\): loopback address/);
  });

  it('refuses private and metadata addresses without connecting', async () => {
    const client = new HttpClient({ timeoutMs: 2000 });
    await expect(client.request('http://10.0.0.1/')).rejects.toThrow(/10\.0\.0\.1: private address/);
    await expect(client.request('http://192.168.0.10/')).rejects.toThrow(/private address/);
    await expect(client.request('http://[fd00:ec2::254]/latest/meta-data/')).rejects.toThrow(/cloud metadata address/);
    await expect(new HttpClient({ allowPrivateNetworks: true, timeoutMs: 2000 }).request('http://169.254.169.254/latest/meta-data/')).rejects.toThrow(
      /169\.254\.169\.254: cloud metadata address \(always refused\)/,
    );
  });

  it('reaches private networks when allowed, with its User-Agent', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true });
    const { data } = await client.json<{ ok: boolean; ua: string }>(`${server.url}/ok`);
    expect(data.ok).toBe(true);
    expect(data.ua).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^ecoute\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/ecoute\)$/);
  });

  it('checks every redirect: a redirect to a private or metadata address is refused', async () => {
    const loopbackOnly = new HttpClient({ allowAddressKinds: ['loopback address'], timeoutMs: 2000 });
    await expect(loopbackOnly.request(`${server.url}/to-private`)).rejects.toThrow(/refused to connect to 10\.0\.0\.1: private address/);
    const allowed = new HttpClient({ allowPrivateNetworks: true, timeoutMs: 2000 });
    await expect(allowed.request(`${server.url}/to-metadata`)).rejects.toThrow(/cloud metadata address/);
  });

  it('follows at most 5 redirects', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true });
    const ok = await client.request(`${server.url}/hop`);
    expect(ok.url).toBe(`${server.url}/ok?via=hop`);
    await expect(client.request(`${server.url}/loop`)).rejects.toThrow(/more than 5 redirects/);
    expect(server.hits('/loop')).toHaveLength(6);
  });

  it('drops credentials on a redirect to another origin', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true });
    const { data } = await client.json<{ authorization: string | null }>(`${server.url}/to-other-origin`, { headers: { Authorization: 'Bearer s3cret-token' } });
    expect(data.authorization).toBeNull();
  });

  it('decompresses, caps the body size, and names malformed JSON clearly', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true, maxBytes: 1000 });
    expect((await client.json(`${server.url}/gzip`)).data).toEqual({ zipped: true });
    await expect(client.request(`${server.url}/big`)).rejects.toThrow(/larger than the 1000 bytes accepted/);
    const error = await client.json(`${server.url}/not-json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/^127\.0\.0\.1:\d+\/not-json: malformed response: not JSON/);
  });

  it('throws HttpError on 4xx/5xx with status, without the query string', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true });
    const error = (await client.request(`${server.url}/teapot?key=SECRET123`).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(418);
    expect(error.retriable).toBe(false);
    expect(error.message).not.toContain('SECRET123');
    expect(error.message).toMatch(/GET 127\.0\.0\.1:\d+\/teapot: HTTP 418/);
  });

  it('names a refused connection', async () => {
    const client = new HttpClient({ allowPrivateNetworks: true, timeoutMs: 2000 });
    const error = (await client.request('http://127.0.0.1:1/x').catch((e: unknown) => e)) as HttpError;
    expect(error.status).toBe(0);
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/127\.0\.0\.1:1\/x: connection refused/);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
