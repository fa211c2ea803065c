// One POST of a JSON body to a notifier's receiver (fetch, with the notifier's timeout), and what
// its answer means: 2xx sent; 5xx, 429 and 408 worth another try (with the Retry-After asked for);
// any other status not (a 400 or a 404 will not change by itself); a network failure or a timeout
// worth another try. No message ever holds the URL's secret part (Slack's URL is a credential):
// the caller passes a safe name for where it posts. The POST goes through the connectors' SSRF guard
// (issue 14, security): cloud metadata addresses are always refused, private networks unless the
// notifier allows them, and a redirect is an answer, never followed.
import { blockedIn, postOnce } from '../../connectors/http/outbound.js';
import type { ResolveHost } from '../../connectors/http/guard.js';
import { NotifyError } from './types.js';

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; where: string; signal?: AbortSignal; allowPrivateNetworks?: boolean; lookup?: ResolveHost },
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Awaited<ReturnType<typeof postOnce>>;
  try {
    response = await postOnce({
      url,
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'ecoute-alerts/0.1', ...headers },
      timeoutMs: options.timeoutMs,
      signal,
      allowPrivateNetworks: options.allowPrivateNetworks ?? true,
      ...(options.lookup && { lookup: options.lookup }),
    });
  } catch (error) {
    const blocked = blockedIn(error);
    if (blocked) throw new NotifyError('NOTIFY_BLOCKED', `${options.where}: ${blocked.reason} refused (${blocked.reason === 'cloud metadata address' ? 'always' : 'allow_private_networks is off'})`, { retriable: false, cause: undefined });
    const why = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : ((error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
    throw new NotifyError('NOTIFY_UNREACHABLE', `${options.where}: cannot reach the receiver (${why})`, { retriable: !options.signal?.aborted, cause: undefined });
  }
  // The body is read (and cut) only for the message: a receiver's answer may be anything.
  const text = response.text.replace(/\s+/g, ' ').slice(0, 200);
  if (response.status >= 200 && response.status < 300) return;
  const after = retryAfterMs(response.headers['retry-after'] ?? null);
  throw new NotifyError('NOTIFY_HTTP', `${options.where}: the receiver answered ${response.status}${text ? `: ${text}` : ''}`, {
    retriable: RETRY_STATUS.has(response.status),
    ...(after !== undefined && { retryAfterMs: after }),
  });
}
