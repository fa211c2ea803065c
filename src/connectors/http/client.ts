// The one HTTP client every pull connector uses: undici with an SSRF-guarded dispatcher, timeouts,
// a descriptive User-Agent, a response size cap, and redirects followed by hand (at most 5) so each
// hop goes through the guard again and credentials never follow a redirect to another origin.
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { request, type Agent } from 'undici';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { BlockedAddressError, describeUrl, HostNotFoundError, HttpError, MalformedResponseError } from './errors.js';
import type { BlockReason } from './address.js';
import { decodeBody, type Decoding } from './charset.js';
import { guardedAgent, PRIVATE_NETWORKS, type ResolveHost } from './guard.js';

function packageVersion(): string {
  // src/connectors/http/ from the sources, dist/src/connectors/http/ once built.
  for (const up of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ecoute' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const USER_AGENT = `ecoute/${packageVersion()} (+https://github.com/ecoute)`;

export interface HttpClientOptions {
  /** Lets requests reach loopback and private networks (tests, intranet feeds). Metadata addresses stay refused. */
  allowPrivateNetworks?: boolean;
  /** Narrower than allowPrivateNetworks: only these kinds of address (tests use ['loopback address']). */
  allowAddressKinds?: BlockReason[];
  /** Whole request, headers and body, in milliseconds. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Largest response body accepted (after decompression). */
  maxBytes?: number;
  maxRedirects?: number;
  /** Replaces the default User-Agent (Reddit asks for `<platform>:<app id>:<version> (by /u/<user>)`). */
  userAgent?: string;
  /** Resolver for host names (default: the system's); its answers are checked by the guard like any. */
  lookup?: ResolveHost;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Statuses returned instead of thrown (2xx always are). */
  accept?: number[];
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The URL that answered, after redirects. */
  url: string;
  text: string;
  /** How the body's bytes were decoded (charset, what decided it, bytes that could not be decoded). */
  decoding: Decoding;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const agents = new Map<string, Agent>();

/** The shared guarded connection pool for these allowed kinds of address (one per resolver given). */
export function guardedDispatcher(allow: ReadonlySet<BlockReason>, connectTimeoutMs: number, lookup?: ResolveHost): Agent {
  if (lookup) {
    // A resolver of its own (tests): a pool of its own, closed with the others.
    const agent = guardedAgent({ allow, connectTimeoutMs, lookup });
    agents.set(`lookup:${agents.size}:${Math.random()}`, agent);
    return agent;
  }
  const key = `${[...allow].sort().join(',')}:${connectTimeoutMs}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = guardedAgent({ allow, connectTimeoutMs });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes the shared connection pools (end of tests, end of process). */
export async function closeHttpAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

/**
 * How long a rate-limit header set asks to wait before the budget is back, when it is exhausted:
 * X-RateLimit-Remaining / RateLimit-Remaining below 1 with a reset given as seconds from now
 * (Reddit), epoch seconds (Bluesky, GitHub) or an ISO date (Mastodon). Undefined otherwise.
 */
export function rateLimitWait(headers: Record<string, string>, now = Date.now()): number | undefined {
  const remaining = Number(headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'] ?? headers['x-rate-limit-remaining']);
  if (!Number.isFinite(remaining) || remaining >= 1) return undefined;
  const reset = (headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'] ?? headers['x-rate-limit-reset'])?.trim();
  if (!reset) return undefined;
  if (/^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    return Math.max(0, Math.round(n > 1e9 ? n * 1000 - now : n * 1000));
  }
  const at = Date.parse(reset);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Seconds (`120`) or an HTTP date; undefined when absent or unreadable. Never negative. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HttpClient {
  readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly agent: Agent;

  constructor(options: HttpClientOptions = {}) {
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 5;
    const allow = options.allowPrivateNetworks ? PRIVATE_NETWORKS : new Set(options.allowAddressKinds ?? []);
    this.agent = guardedDispatcher(allow, options.connectTimeoutMs ?? Math.min(10_000, this.timeoutMs), options.lookup);
  }

  /** Sends a request; a status of 400 or more (not in `accept`) throws HttpError. */
  async request(url: string | URL, init: HttpRequest = {}): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let current = new URL(url);
    let method = init.method ?? 'GET';
    let body = init.body;
    let headers: Record<string, string> = { 'user-agent': this.userAgent, 'accept-encoding': 'gzip, deflate, br', ...lowerKeys(init.headers ?? {}) };
    const origin = current.origin;
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        throw new HttpError(`${method} ${describeUrl(current)}: only http and https URLs are fetched`, { status: 0, host: current.host, retriable: false });
      }
      const where = `${method} ${describeUrl(current)}`;
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(current, {
          method,
          headers,
          body: body ?? null,
          dispatcher: this.agent,
          signal,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
      } catch (error) {
        throw this.networkError(where, current, error, init.signal, timeout);
      }
      const status = response.statusCode;
      const responseHeaders = flatHeaders(response.headers);
      const location = responseHeaders.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        await response.body.dump().catch(() => undefined);
        if (hop >= this.maxRedirects) {
          throw new HttpError(`${where}: more than ${this.maxRedirects} redirects`, { status, host: current.host, retriable: false });
        }
        const next = new URL(location, current);
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        // Credentials are for the origin they were given to, not wherever it redirects.
        if (next.origin !== origin) headers = withoutCredentials(headers);
        current = next;
        continue;
      }
      let text: string;
      let decoding: Decoding;
      try {
        ({ text, decoding } = await this.readBody(response, responseHeaders, where, current.host));
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw this.networkError(where, current, error, init.signal, timeout);
      }
      if (status >= 400 && !init.accept?.includes(status)) {
        const retryAfterMs = parseRetryAfter(responseHeaders['retry-after']) ?? (status === 429 ? rateLimitWait(responseHeaders) : undefined);
        throw new HttpError(`${where}: HTTP ${status}${reasonOf(status)}${snippet(text)}`, {
          status,
          host: current.host,
          body: text,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        });
      }
      return { status, headers: responseHeaders, url: current.toString(), text, decoding };
    }
  }

  /** Sends a request and parses its JSON body; a body that is not JSON throws MalformedResponseError. */
  async json<T = unknown>(url: string | URL, init: HttpRequest = {}): Promise<{ response: HttpResponse; data: T }> {
    const response = await this.request(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    return { response, data: parseJson<T>(response) };
  }

  private async readBody(response: Awaited<ReturnType<typeof request>>, headers: Record<string, string>, where: string, host: string): Promise<{ text: string; decoding: Decoding }> {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      response.body.destroy();
      throw new HttpError(`${where}: response of ${declared} bytes is larger than the ${this.maxBytes} bytes accepted`, { status: response.statusCode, host, retriable: false });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBytes) {
        response.body.destroy();
        throw new HttpError(`${where}: response larger than the ${this.maxBytes} bytes accepted`, { status: response.statusCode, host, retriable: false });
      }
      chunks.push(chunk);
    }
    let raw = Buffer.concat(chunks);
    const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
    try {
      const limit = { maxOutputLength: this.maxBytes };
      if (encoding === 'gzip' || encoding === 'x-gzip') raw = gunzipSync(raw, limit);
      else if (encoding === 'br') raw = brotliDecompressSync(raw, limit);
      else if (encoding === 'deflate') raw = inflateSync(raw, limit);
    } catch (error) {
      throw new HttpError(`${where}: could not decompress the ${encoding} body: ${errorMessage(error)}`, { status: response.statusCode, host, retriable: false });
    }
    return decodeBody(raw, headers['content-type']);
  }

  private networkError(where: string, url: URL, error: unknown, callerSignal: AbortSignal | undefined, timeout: AbortSignal): Error {
    const blocked = findCause(error, (e) => e instanceof BlockedAddressError);
    if (blocked) return blocked;
    if (callerSignal?.aborted) return callerSignal.reason instanceof Error ? callerSignal.reason : new EcouteError('INTERRUPTED', 'aborted');
    if (timeout.aborted) return new HttpError(`${where}: no complete answer within ${this.timeoutMs} ms`, { status: 0, host: url.host, cause: error });
    // A system error's code (ENOTFOUND, ECONNREFUSED…), not a catalogue code of ours.
    const code = findCause(error, (e) => e instanceof HostNotFoundError)
      ? 'ENOTFOUND'
      : (findCause(error, (e) => !(e instanceof EcouteError) && typeof (e as { code?: unknown }).code === 'string') as { code?: string } | undefined)?.code;
    const why = code === 'ENOTFOUND' ? 'host not found' : code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNRESET' ? 'connection reset' : errorMessage(error);
    return new HttpError(`${where}: ${why}${code && !why.includes(code) ? ` (${code})` : ''}`, { status: 0, host: url.host, cause: error, retriable: code !== 'ENOTFOUND' });
  }
}

export function parseJson<T>(response: HttpResponse): T {
  try {
    return JSON.parse(response.text) as T;
  } catch (error) {
    throw new MalformedResponseError(describeUrl(response.url), `not JSON (${errorMessage(error)})${snippet(response.text)}`);
  }
}

function findCause(error: unknown, test: (e: Error) => boolean): Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (test(e)) return e;
    if (e instanceof AggregateError) for (const inner of e.errors) if (inner instanceof Error && test(inner)) return inner;
  }
  return undefined;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const { authorization: _a, cookie: _c, 'proxy-authorization': _p, ...rest } = headers;
  return rest;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  return reasons[status] ? ` ${reasons[status]}` : '';
}

/** A short, single-line excerpt of an error body: enough to understand, never a whole page. */
function snippet(text: string): string {
  const line = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return line ? ` — ${line}` : '';
}
