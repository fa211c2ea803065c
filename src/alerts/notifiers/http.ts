// One POST of a JSON body to a notifier's receiver (fetch, with the notifier's timeout), and what
// its answer means: 2xx sent; 5xx, 429 and 408 worth another try (with the Retry-After asked for);
// any other status not (a 400 or a 404 will not change by itself); a network failure or a timeout
// worth another try. No message ever holds the URL's secret part (Slack's URL is a credential):
// the caller passes a safe name for where it posts.
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
  options: { timeoutMs: number; where: string; signal?: AbortSignal },
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'ecoute-alerts/0.1', ...headers }, signal, redirect: 'manual' });
  } catch (error) {
    const why = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
    throw new NotifyError('NOTIFY_UNREACHABLE', `${options.where}: cannot reach the receiver (${why})`, { retriable: !options.signal?.aborted, cause: undefined });
  }
  // The body is read (and cut) only for the message: a receiver's answer may be anything.
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  if (response.status >= 200 && response.status < 300) return;
  const after = retryAfterMs(response.headers.get('retry-after'));
  throw new NotifyError('NOTIFY_HTTP', `${options.where}: the receiver answered ${response.status}${text ? `: ${text}` : ''}`, {
    retriable: RETRY_STATUS.has(response.status),
    ...(after !== undefined && { retryAfterMs: after }),
  });
}
