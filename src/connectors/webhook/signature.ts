// The webhook signature scheme (docs/webhook.md), in the manner of Stripe and Slack:
//
//   X-Ecoute-Timestamp: <unix seconds>
//   X-Ecoute-Signature: v1=<hex HMAC-SHA256, keyed by the source's secret, of "<timestamp>.<raw body>">
//
// The timestamp is inside the signed bytes, so it cannot be changed without the secret; a request
// is accepted only within `tolerance_ms` of our clock, and a signature only once within that window
// (replay.ts), so a captured request cannot be replayed later. The HMAC is computed over the body's
// raw bytes as received, never over re-serialized JSON.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';

export const TIMESTAMP_HEADER = 'x-ecoute-timestamp';
export const SIGNATURE_HEADER = 'x-ecoute-signature';
export const SCHEME = 'v1';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The signature of one request: HMAC-SHA256 of `<timestamp>.<body>` keyed by the secret's UTF-8 bytes. */
export function computeSignature(secret: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** Headers a sender adds to a request (used by tests and by anyone writing a client in TypeScript). */
export function signRequest(secret: string, body: Buffer | string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return {
    'X-Ecoute-Timestamp': timestamp,
    'X-Ecoute-Signature': `${SCHEME}=${computeSignature(secret, timestamp, body).toString('hex')}`,
  };
}

export interface VerifiedRequest {
  /** The matching signature (hex, lower case): the key replay protection remembers. */
  signature: string;
  /** When the request stops being acceptable anyway (timestamp + tolerance): how long to remember it. */
  expiresAt: number;
}

/**
 * Checks the two headers against the raw body. Throws an HttpError 401 whose code and reason say
 * exactly what is wrong (missing, malformed, stale, mismatched), and never what was expected.
 */
export function verifySignature(
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  secret: string,
  toleranceMs: number,
  now = Date.now(),
): VerifiedRequest {
  const timestamp = checkTimestamp(headers, toleranceMs, now);
  const given = signaturesIn(headers);
  const expected = computeSignature(secret, timestamp.text, body);
  let matched: string | undefined;
  // Every candidate is compared (no early exit), each in constant time with a length check first.
  for (const hex of given) {
    const candidate = Buffer.from(hex, 'hex');
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected) && matched === undefined) matched = hex.toLowerCase();
  }
  if (matched === undefined) {
    throw unauthorized(
      'WEBHOOK_BAD_SIGNATURE',
      `${SIGNATURE_HEADER} does not match: sign the bytes "<X-Ecoute-Timestamp>.<raw body>" with HMAC-SHA256 keyed by this source's secret, and send ${SCHEME}=<hex>`,
    );
  }
  return { signature: matched, expiresAt: timestamp.ms + toleranceMs };
}

function checkTimestamp(headers: Record<string, string | string[] | undefined>, toleranceMs: number, now: number): { text: string; ms: number } {
  const value = single(headers[TIMESTAMP_HEADER]);
  if (value === undefined) throw unauthorized('WEBHOOK_UNSIGNED', `missing ${TIMESTAMP_HEADER} header (unix time in seconds, signed with the body)`);
  const text = value.trim();
  if (!/^\d{1,13}$/.test(text)) throw unauthorized('WEBHOOK_UNSIGNED', `${TIMESTAMP_HEADER} must be unix time in whole seconds, e.g. ${Math.floor(now / 1000)}`);
  if (text.length >= 13) {
    throw unauthorized('WEBHOOK_UNSIGNED', `${TIMESTAMP_HEADER} looks like milliseconds: send unix time in seconds, e.g. ${Math.floor(now / 1000)}`);
  }
  const ms = Number(text) * 1000;
  const skew = now - ms;
  if (Math.abs(skew) > toleranceMs) {
    const seconds = Math.round(Math.abs(skew) / 1000);
    throw unauthorized(
      'WEBHOOK_STALE_TIMESTAMP',
      `${TIMESTAMP_HEADER} is ${seconds} s in the ${skew > 0 ? 'past' : 'future'}, beyond the ${Math.round(toleranceMs / 1000)} s tolerance: sign each request when sending it, and check the sender's clock`,
    );
  }
  return { text, ms };
}

/** The v1 signatures in the header: `v1=<hex>`, several allowed (comma-separated); other schemes ignored. */
function signaturesIn(headers: Record<string, string | string[] | undefined>): string[] {
  const value = single(headers[SIGNATURE_HEADER]);
  if (value === undefined) throw unauthorized('WEBHOOK_UNSIGNED', `missing ${SIGNATURE_HEADER} header (${SCHEME}=<hex HMAC-SHA256>)`);
  const entries = value.split(',').map((e) => e.trim());
  const v1 = entries.filter((e) => e.startsWith(`${SCHEME}=`)).map((e) => e.slice(SCHEME.length + 1).trim());
  if (v1.length === 0 || !v1.every((hex) => HEX_SHA256.test(hex))) {
    throw unauthorized('WEBHOOK_UNSIGNED', `${SIGNATURE_HEADER} must be ${SCHEME}=<64 hex digits> (HMAC-SHA256)`);
  }
  return v1;
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v;
}

function unauthorized(code: Extract<ErrorCode, 'WEBHOOK_UNSIGNED' | 'WEBHOOK_BAD_SIGNATURE' | 'WEBHOOK_STALE_TIMESTAMP'>, reason: string): HttpError {
  return new HttpError(401, code, reason);
}
