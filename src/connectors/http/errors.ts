// Errors of outbound requests. Messages name the method, host and path and why, never the query
// string (API keys travel there) nor any header (tokens travel there).
import { EcouteError } from '../../core/errors.js';

/** `host/path` of a URL, without query string, credentials or fragment. */
export function describeUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export class HttpError extends EcouteError {
  /** HTTP status, 0 when no response came (network error, timeout). */
  readonly status: number;
  readonly host: string;
  /** From Retry-After (or a rate-limit reset header): how long the server asked us to wait. */
  readonly retryAfterMs: number | undefined;
  /** The start of the error body, for callers that read the API's error code (never put in messages whole). */
  readonly body: string | undefined;

  constructor(message: string, options: { status: number; host: string; retryAfterMs?: number; body?: string; cause?: unknown; retriable?: boolean }) {
    const retriable = options.retriable ?? (options.status === 0 || options.status === 429 || options.status >= 500);
    super(options.status === 429 ? 'SOURCE_RATE_LIMITED' : 'SOURCE_HTTP', message, { cause: options.cause, retriable });
    this.name = 'HttpError';
    this.status = options.status;
    this.host = options.host;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body?.slice(0, 2048);
  }
}

/** DNS answered with no address for a host: told apart like ENOTFOUND, never retried. */
export class HostNotFoundError extends HttpError {
  constructor(host: string) {
    super(`${host}: no address`, { status: 0, host, retriable: false });
    this.name = 'HostNotFoundError';
  }
}

/** A user-given URL pointed at an address the SSRF guard refuses. Never retried. */
export class BlockedAddressError extends EcouteError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
    hint: boolean,
  ) {
    super(
      'SOURCE_BLOCKED',
      `refused to connect to ${host}${address && address !== host ? ` (${address})` : ''}: ${reason}${
        hint ? '; set allow_private_networks: true where this URL is configured (connector, notifier or report webhook) to allow private networks' : ' (always refused)'
      }`,
    );
    this.name = 'BlockedAddressError';
  }
}

/** A response that arrived but cannot be read as what the API documents. Retried only at the next poll. */
export class MalformedResponseError extends EcouteError {
  constructor(where: string, why: string) {
    super('SOURCE_MALFORMED', `${where}: malformed response: ${why}`);
    this.name = 'MalformedResponseError';
  }
}
