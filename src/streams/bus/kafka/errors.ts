// kafkajs errors nest (KafkaJSAggregateError, per-group errors): a plain description of the whole
// tree, so that a test for one broker error code also finds it inside a wrapper.
export function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { type?: unknown; errors?: unknown[]; groups?: unknown[] };
  return { name: e.name, message: e.message, type: e.type, errors: e.errors?.map(describeError), groups: e.groups };
}

/** Whether `error`, or an error it wraps, matches `pattern` (by name, message or broker error type). */
export function errorMatches(error: unknown, pattern: RegExp): boolean {
  return pattern.test(JSON.stringify(describeError(error)));
}
