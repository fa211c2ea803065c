// The API's answers for what the store and the query language refuse: their EcouteErrors become a
// 400 naming the parameter (`q` with the column for a syntax error, `cursor` for a bad cursor),
// never a 500. Everything else goes to the host's handler (src/http/errors.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isEcouteError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { HttpError, sendError, toHttpError } from '../http/errors.js';
import { QuerySyntaxError } from '../query/index.js';

export function apiError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof QuerySyntaxError) {
    return new HttpError(400, 'QUERY_SYNTAX', `q: ${error.message}`, {
      body: { parameter: 'q', ...(error.offset !== undefined && { column: error.offset + 1 }) },
      cause: error,
    });
  }
  if (isEcouteError(error)) {
    if (error.code === 'BAD_CURSOR') return new HttpError(400, 'BAD_CURSOR', `cursor: ${error.message}`, { body: { parameter: 'cursor' }, cause: error });
    if (error.code === 'BAD_REQUEST') {
      // The stores' messages start with the parameter they refuse ("limit: must be ...").
      const name = /^([a-z_]+):/.exec(error.message)?.[1];
      return new HttpError(400, 'BAD_REQUEST', error.message, { ...(name !== undefined && { body: { parameter: name } }), cause: error });
    }
  }
  return undefined;
}

export function handleApiError(log: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(reply, apiError(error) ?? toHttpError(error, request, log));
}
