// Brute force of the API's bearer tokens (issue 14, security): failed authentications (no token, a
// malformed header, an unknown token) are counted per client address with @fastify/rate-limit's
// store; past `api.auth_failures_per_minute` in a minute, every request of that address to a
// route that needs a token gets 429 API_AUTH_RATE_LIMITED with Retry-After — a right guess included,
// so guessing on gains nothing — until the window ends. Successful requests count nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.js';
import { authorize, type ApiToken, type Scope } from './auth.js';

type Limiter = (request: FastifyRequest, options?: { increment?: boolean }) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number }>;

export function authGate(app: FastifyInstance, tokens: readonly ApiToken[], failuresPerMinute: number): (request: FastifyRequest, scope: Scope) => Promise<void> {
  const failures = (app as unknown as { createRateLimit(options: object): Limiter }).createRateLimit({
    max: failuresPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `auth-failure:${request.ip}`,
  });
  const refuse = (ttlInSeconds: number | undefined) => {
    const seconds = Math.max(1, ttlInSeconds ?? 60);
    return new HttpError(429, 'API_AUTH_RATE_LIMITED', `more than ${failuresPerMinute} failed authentications a minute from this address; try again in ${seconds} s`, {
      headers: { 'retry-after': String(seconds) },
    });
  };
  return async (request, scope) => {
    const seen = await failures(request, { increment: false });
    if (seen.isExceeded) throw refuse(seen.ttlInSeconds);
    try {
      authorize(request, tokens, scope);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 401) {
        const counted = await failures(request);
        if (counted.isExceeded) throw refuse(counted.ttlInSeconds);
      }
      throw error;
    }
  };
}
