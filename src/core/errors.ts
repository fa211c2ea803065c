// One error catalogue: every failure a user or an operator can see carries a stable code, whether a
// retry can help, and the stage it happened in. Messages name what was wrong; they never carry
// secrets.

export type Stage = 'config' | 'connector' | 'analyze' | 'index' | 'store' | 'bus' | 'query' | 'cli';

export const ERROR_CODES = {
  CONFIG_NOT_FOUND: { stage: 'config', retriable: false },
  CONFIG_INVALID: { stage: 'config', retriable: false },
  QUERY_SYNTAX: { stage: 'query', retriable: false },
  MENTION_BAD_JSON: { stage: 'connector', retriable: false },
  MENTION_INVALID: { stage: 'connector', retriable: false },
  FILE_UNREADABLE: { stage: 'connector', retriable: true },
  RECORD_UNREADABLE: { stage: 'analyze', retriable: false },
  ANALYZE_FAILED: { stage: 'analyze', retriable: false },
  STORE_ITEM_INVALID: { stage: 'index', retriable: false },
  STORE_UNAVAILABLE: { stage: 'store', retriable: true },
  BAD_CURSOR: { stage: 'query', retriable: false },
  BAD_REQUEST: { stage: 'query', retriable: false },
  USAGE: { stage: 'cli', retriable: false },
} as const satisfies Record<string, { stage: Stage; retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class EcouteError extends Error {
  readonly code: ErrorCode;
  readonly stage: Stage;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EcouteError';
    this.code = code;
    this.stage = ERROR_CODES[code].stage;
    this.retriable = options?.retriable ?? ERROR_CODES[code].retriable;
  }
}

export function isEcouteError(error: unknown, code?: ErrorCode): error is EcouteError {
  return error instanceof EcouteError && (code === undefined || error.code === code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
