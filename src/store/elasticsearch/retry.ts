// What is worth resending to Elasticsearch as it is, and how long to wait before doing so.
import type { errors } from '@elastic/elasticsearch';

/** Statuses and error types of bulk items worth resending as they are. */
export const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRIABLE_TYPES = /es_rejected_execution_exception|circuit_breaking_exception|unavailable_shards_exception|index_not_found_exception|node_not_connected_exception|no_shard_available_action_exception/;

export function isRetriableItem(status: number, type: string): boolean {
  return RETRIABLE_STATUS.has(status) || RETRIABLE_TYPES.test(type);
}

/** The wait before resend number `attempt + 1`: doubled each time, with jitter so writers spread out. */
export function backoff(firstMs: number, attempt: number): Promise<void> {
  const ms = firstMs * 2 ** attempt * (0.75 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorType(error: errors.ResponseError): string | undefined {
  return (error.body as { error?: { type?: string } } | undefined)?.error?.type;
}
