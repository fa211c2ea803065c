// One POST to a receiver the operator configured (an alert webhook, a Slack URL, a report webhook),
// through the same SSRF guard as the connectors: the address connected to is checked (cloud metadata
// always refused, private networks unless allowed) and redirects are never followed, so a receiver
// cannot bounce écoute (and its signed body or bearer token) to another address.
import { request } from 'undici';
import type { BlockReason } from './address.js';
import { BlockedAddressError } from './errors.js';
import { PRIVATE_NETWORKS, type ResolveHost } from './guard.js';
import { guardedDispatcher } from './client.js';

export interface OutboundPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Loopback and private networks reachable (an internal receiver); cloud metadata never is. */
  allowPrivateNetworks: boolean;
  /** Resolver for host names (tests); the system's by default. */
  lookup?: ResolveHost;
}

export interface OutboundAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The start of the body (at most 2 KiB), for messages. */
  text: string;
}

/** POSTs once; a 3xx is an answer like any other (not followed). Throws BlockedAddressError or the network error. */
export async function postOnce(post: OutboundPost): Promise<OutboundAnswer> {
  const allow: ReadonlySet<BlockReason> = post.allowPrivateNetworks ? PRIVATE_NETWORKS : new Set();
  const timeout = AbortSignal.timeout(post.timeoutMs);
  const signal = post.signal ? AbortSignal.any([timeout, post.signal]) : timeout;
  try {
    const response = await request(post.url, {
      method: 'POST',
      body: post.body,
      headers: post.headers,
      dispatcher: guardedDispatcher(allow, Math.min(10_000, post.timeoutMs), post.lookup),
      signal,
      headersTimeout: post.timeoutMs,
      bodyTimeout: post.timeoutMs,
    });
    let text = '';
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (text.length < 2048) text += chunk.toString('utf8');
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: response.statusCode, headers, text: text.slice(0, 2048) };
  } catch (error) {
    throw blockedIn(error) ?? error;
  }
}

/** The guard's refusal inside a connect error, if that is what it was. */
export function blockedIn(error: unknown): BlockedAddressError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof BlockedAddressError) return e;
    if (e instanceof AggregateError) for (const inner of e.errors) if (inner instanceof BlockedAddressError) return inner;
  }
  return undefined;
}
