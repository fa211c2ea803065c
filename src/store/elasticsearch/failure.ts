// Elasticsearch and transport errors as EcouteErrors: short, retriable when waiting may help, and
// without the credentials a node URL may carry.
import { errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { badRequest } from '../errors.js';
import { RETRIABLE_STATUS } from './retry.js';

/** An Elasticsearch or transport error as an EcouteError; `where`: the node, already redacted. */
export function failure(where: string, what: string, error: unknown): EcouteError {
  if (error instanceof EcouteError) return error;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const body = error.body as { error?: estypes.ErrorCause } | undefined;
    const cause = body?.error;
    const reason = cause ? describeCause(cause) : errorMessage(error);
    if (JSON.stringify(body ?? '').includes('too_many_buckets_exception')) {
      return badRequest(`${what}: too many buckets for Elasticsearch (search.max_buckets); narrow the range or widen the interval`);
    }
    return new EcouteError('STORE_UNAVAILABLE', `${what}: Elasticsearch at ${where} answered ${status}: ${reason}`, {
      cause: error,
      retriable: RETRIABLE_STATUS.has(status),
    });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
    return new EcouteError('STORE_UNAVAILABLE', `${what}: cannot reach Elasticsearch at ${where}: ${redactText(errorMessage(error))}`, { cause: error, retriable: true });
  }
  return new EcouteError('STORE_UNAVAILABLE', `${what}: ${redactText(errorMessage(error))}`, { cause: error, retriable: false });
}

/** "type: reason (caused by type: reason)", short. */
export function describeCause(cause: estypes.ErrorCause): string {
  const root = cause.root_cause?.[0] ?? cause;
  let text = `${root.type}: ${root.reason ?? ''}`.trim();
  const deeper = root.caused_by ?? (root === cause ? undefined : cause.caused_by);
  if (deeper) text += ` (caused by ${deeper.type}: ${deeper.reason ?? ''})`;
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export function redact(node: string): string {
  try {
    const url = new URL(node);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(invalid node URL)';
  }
}

function redactText(text: string): string {
  return text.replace(/\/\/[^/@\s]+@/g, '//');
}
