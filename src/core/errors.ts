// One error catalogue: every failure a user or an operator can see carries a stable code, whether a
// retry can help, and the stage it happened in. Messages name what was wrong; they never carry
// secrets.

// 'http' is écoute's HTTP host (src/http); 'services' is the development launcher of Kafka and
// Elasticsearch (src/services); 'internal' is a broken invariant or a failure écoute has no code
// for: a bug to report.
export type Stage = 'config' | 'connector' | 'analyze' | 'index' | 'store' | 'bus' | 'query' | 'cli' | 'http' | 'services' | 'reports' | 'internal' | 'notify';

export const ERROR_CODES = {
  CONFIG_NOT_FOUND: { stage: 'config', retriable: false },
  CONFIG_INVALID: { stage: 'config', retriable: false },
  QUERY_SYNTAX: { stage: 'query', retriable: false },
  MENTION_BAD_JSON: { stage: 'connector', retriable: false },
  MENTION_INVALID: { stage: 'connector', retriable: false },
  FILE_UNREADABLE: { stage: 'connector', retriable: true },
  SOURCE_HTTP: { stage: 'connector', retriable: true },
  SOURCE_RATE_LIMITED: { stage: 'connector', retriable: true },
  SOURCE_BLOCKED: { stage: 'connector', retriable: false },
  SOURCE_MALFORMED: { stage: 'connector', retriable: false },
  SOURCE_AUTH: { stage: 'connector', retriable: false },
  RECORD_UNREADABLE: { stage: 'analyze', retriable: false },
  ANALYZE_FAILED: { stage: 'analyze', retriable: false },
  STORE_ITEM_INVALID: { stage: 'index', retriable: false },
  STORE_UNAVAILABLE: { stage: 'store', retriable: true },
  BAD_CURSOR: { stage: 'query', retriable: false },
  BAD_REQUEST: { stage: 'query', retriable: false },
  USAGE: { stage: 'cli', retriable: false },
  // The webhook connector's answers (src/connectors/webhook): each HTTP error names one of these.
  WEBHOOK_UNKNOWN_SOURCE: { stage: 'connector', retriable: false },
  WEBHOOK_UNSIGNED: { stage: 'connector', retriable: false },
  WEBHOOK_BAD_SIGNATURE: { stage: 'connector', retriable: false },
  WEBHOOK_STALE_TIMESTAMP: { stage: 'connector', retriable: false },
  WEBHOOK_REPLAY: { stage: 'connector', retriable: false },
  WEBHOOK_TOO_LARGE: { stage: 'connector', retriable: false },
  WEBHOOK_NOT_JSON: { stage: 'connector', retriable: false },
  WEBHOOK_BAD_JSON: { stage: 'connector', retriable: false },
  WEBHOOK_NO_VALID_MENTION: { stage: 'connector', retriable: false },
  WEBHOOK_BUSY: { stage: 'connector', retriable: true },
  BUS_UNAVAILABLE: { stage: 'bus', retriable: true },
  // Issue 9: poison values and oversize input (src/connectors/bounds.ts, output.ts, webhook; a line
  // over max_line_bytes), bytes that are not UTF-8, a whole file in an encoding écoute does not
  // read (UTF-16).
  MENTION_TOO_DEEP: { stage: 'connector', retriable: false },
  MENTION_TOO_LARGE: { stage: 'connector', retriable: false },
  WEBHOOK_TOO_MANY_ITEMS: { stage: 'connector', retriable: false },
  MENTION_BAD_ENCODING: { stage: 'connector', retriable: false },
  FILE_BAD_ENCODING: { stage: 'connector', retriable: false },
  // Issue 9, query/config part: a config path that exists but cannot be read (permissions, I/O).
  CONFIG_UNREADABLE: { stage: 'config', retriable: false },
  // Data files under data_dir (src/core/sqlite.ts, src/core/data-files.ts): a full disk, an I/O
  // error, a file found damaged or unexpectedly empty at start, or one that cannot be opened.
  DISK_FULL: { stage: 'store', retriable: true },
  DISK_IO_ERROR: { stage: 'store', retriable: true },
  DATA_FILE_BUSY: { stage: 'store', retriable: true },
  DATA_FILE_DAMAGED: { stage: 'store', retriable: false },
  DATA_FILE_UNAVAILABLE: { stage: 'store', retriable: false },
  // Issue 10, rooms part: the HTTP host's own answers (src/http/errors.ts), for what no route names
  // in its own words: fastify's client errors (by status), a path with no route, an unexpected failure.
  HTTP_BAD_REQUEST: { stage: 'http', retriable: false },
  HTTP_NOT_FOUND: { stage: 'http', retriable: false },
  HTTP_METHOD_NOT_ALLOWED: { stage: 'http', retriable: false },
  HTTP_TOO_LARGE: { stage: 'http', retriable: false },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { stage: 'http', retriable: false },
  HTTP_INTERNAL: { stage: 'http', retriable: true },
  // Issue 10, one error catalogue: the codes of what used to be thrown as a bare Error. Every code
  // here is documented in docs/errors.md (test/unit/errors-catalogue.test.ts keeps the two equal).
  INTERRUPTED: { stage: 'cli', retriable: false },
  EXIT_REPORTED: { stage: 'cli', retriable: false },
  LABELS_INVALID: { stage: 'cli', retriable: false },
  LEXICON_NOT_FOUND: { stage: 'analyze', retriable: false },
  LEXICON_INVALID: { stage: 'analyze', retriable: false },
  SENTIMENT_MODEL_MISSING: { stage: 'analyze', retriable: false },
  SENTIMENT_MODEL_INVALID: { stage: 'analyze', retriable: false },
  SENTIMENT_DATA_MISSING: { stage: 'analyze', retriable: false },
  CALIBRATION_INVALID: { stage: 'analyze', retriable: false },
  FILES_FAILED: { stage: 'connector', retriable: false },
  BUS_CLOSED: { stage: 'bus', retriable: false },
  BUS_CONSUMER_CRASHED: { stage: 'bus', retriable: false },
  SERVICE_SETUP: { stage: 'services', retriable: false },
  SERVICE_PORT_TAKEN: { stage: 'services', retriable: false },
  SERVICE_START_FAILED: { stage: 'services', retriable: true },
  SERVICE_UNREACHABLE: { stage: 'services', retriable: true },
  INTERNAL_INVARIANT: { stage: 'internal', retriable: false },
  // Issue 11, API part: the answers of the HTTP API (src/api).
  API_UNAUTHORIZED: { stage: 'http', retriable: false },
  API_FORBIDDEN: { stage: 'http', retriable: false },
  API_BAD_PARAMETER: { stage: 'http', retriable: false },
  API_BRAND_NOT_FOUND: { stage: 'http', retriable: false },
  API_MENTION_NOT_FOUND: { stage: 'http', retriable: false },
  API_RATE_LIMITED: { stage: 'http', retriable: true },
  API_NOT_READY: { stage: 'http', retriable: true },
  API_DASHBOARD_MISSING: { stage: 'http', retriable: false },
  // The perceived-versus-intended image (src/image, issue 13).
  IMAGE_UNKNOWN_BRAND: { stage: 'query', retriable: false },
  IMAGE_NO_FIELDS: { stage: 'analyze', retriable: false },
  UNEXPECTED: { stage: 'internal', retriable: false },
  // Issue 13, reports part (src/reports): a period or format the report cannot read, a render
  // (headless Chromium) that failed, a delivery (folder, email, webhook) that did not go through.
  REPORT_BAD_PERIOD: { stage: 'reports', retriable: false },
  REPORT_BAD_FORMAT: { stage: 'reports', retriable: false },
  REPORT_RENDER_FAILED: { stage: 'reports', retriable: true },
  REPORT_DELIVERY_FAILED: { stage: 'reports', retriable: true },
  // Issue 12, alerts delivery part (src/alerts/store, src/alerts/notifiers, src/api/routes/alerts.ts):
  // a notifier's receiver refused or could not be reached, its credential is missing, and the API's
  // answers about alerts and incidents.
  NOTIFY_HTTP: { stage: 'notify', retriable: true },
  NOTIFY_UNREACHABLE: { stage: 'notify', retriable: true },
  NOTIFY_SMTP: { stage: 'notify', retriable: true },
  NOTIFY_CONFIG: { stage: 'notify', retriable: false },
  API_ALERT_NOT_FOUND: { stage: 'http', retriable: false },
  API_INCIDENT_NOT_FOUND: { stage: 'http', retriable: false },
  API_ALERTS_UNAVAILABLE: { stage: 'http', retriable: false },
  ALERT_NOT_FOUND: { stage: 'cli', retriable: false },
  // Issue 12, alerts engine part (src/alerts/ engine, stage, backtest): the alerts stage waits for
  // the index stage to store what it counted; a backtest names a rule the brand does not have.
  ALERTS_WAITING_FOR_INDEX: { stage: 'bus', retriable: true },
  ALERTS_RULE_UNKNOWN: { stage: 'config', retriable: false },
  // Issue 14, faults-embedded part (src/cli/dlq/, `ecoute dlq`): a dead letter that cannot be
  // found, replayed (cut input, already replayed, nowhere to go back to) or dropped.
  DLQ_UNKNOWN_ID: { stage: 'cli', retriable: false },
  DLQ_TRUNCATED: { stage: 'cli', retriable: false },
  DLQ_ALREADY_REPLAYED: { stage: 'cli', retriable: false },
  DLQ_NOT_REPLAYABLE: { stage: 'cli', retriable: false },
  // Issue 14, privacy part (src/privacy/): a malformed --author; the suppression list or the
  // erasure log cannot be reached; an erasure that could not finish everywhere.
  PRIVACY_AUTHOR_INVALID: { stage: 'cli', retriable: false },
  PRIVACY_UNAVAILABLE: { stage: 'store', retriable: true },
  PRIVACY_ERASE_INCOMPLETE: { stage: 'store', retriable: true },
  // Issue 14, security part: a notifier's receiver on an address the SSRF guard refuses; failed
  // API authentication attempts over the limit.
  NOTIFY_BLOCKED: { stage: 'notify', retriable: false },
  API_AUTH_RATE_LIMITED: { stage: 'http', retriable: true },
  // Issue 15 (threads15): the webhook refuses while the pipeline's lag is past backpressure.max_lag_records.
  WEBHOOK_BACKLOG: { stage: 'connector', retriable: true },
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
