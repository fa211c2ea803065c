// The one error type every HTTP answer is made from, and the one shape it is sent in: JSON
// `{ error, reason }` (plus what a route adds), where `error` is a code from the catalogue in
// src/core/errors.ts. An HttpError is an EcouteError, so an answer's code, stage and retriable are
// the same ones the rest of écoute uses; it only adds the status and what the answer carries.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EcouteError, errorMessage, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { countError } from '../ops/metrics.js'; // Operations (issue 14, ops14)

export interface HttpErrorOptions {
  /** Headers the answer sets (Allow, Retry-After, ...). */
  headers?: Record<string, string>;
  /** Fields added to the answer's JSON beside `error` and `reason` (never `error` or `reason` themselves). */
  body?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the catalogue's retriable for this answer. */
  retriable?: boolean;
}

/** An error answer: the status, a catalogued code, and a reason a sender's operator can act on. */
export class HttpError extends EcouteError {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor(statusCode: number, code: ErrorCode, reason: string, options: HttpErrorOptions = {}) {
    super(code, reason, { cause: options.cause, retriable: options.retriable });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.headers = options.headers;
    this.body = options.body;
  }

  /** What the answer's `reason` says: the message, which names what was wrong and never a header or a secret. */
  get reason(): string {
    return this.message;
  }
}

export interface ErrorBody {
  error: ErrorCode;
  reason: string;
  [key: string]: unknown;
}

/** Sends an error answer in the one shape every route uses. */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.headers) void reply.headers(error.headers);
  countError(error.code);
  const body: ErrorBody = { error: error.code, reason: error.reason, ...error.body };
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}

// fastify's own client errors carry codes of their own (FST_ERR_CTP_BODY_TOO_LARGE, ...); the answer
// names ours, by status, so a sender only ever sees catalogued codes.
const CLIENT_ERROR_CODES: Readonly<Record<number, ErrorCode>> = {
  404: 'HTTP_NOT_FOUND',
  405: 'HTTP_METHOD_NOT_ALLOWED',
  413: 'HTTP_TOO_LARGE',
  415: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
};

/** Turns anything thrown in a route into an HttpError; unexpected errors become a 500 without details. */
export function toHttpError(error: unknown, request: FastifyRequest, log: Logger): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as Partial<FastifyError>;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own client errors (bad Content-Length, unsupported media type, body too large, ...):
    // their messages name the problem and hold nothing from the request.
    return new HttpError(e.statusCode, CLIENT_ERROR_CODES[e.statusCode] ?? 'HTTP_BAD_REQUEST', e.message ?? 'bad request', { cause: error });
  }
  log.error(`${request.method} ${pathOf(request.url)}: ${errorMessage(error)}`, e.code ? { code: e.code } : undefined);
  return new HttpError(500, 'HTTP_INTERNAL', 'internal error; the écoute log says more', { cause: error });
}

/** The path without the query string (which could carry tokens). */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
