// What both alert stores share about a list request: its checks (dates, limit), and the opaque
// keyset cursor (the last item's sort time and id, plus a fingerprint of the filters, so a cursor
// replayed with other filters is refused rather than silently jumping).
import { createHash } from 'node:crypto';
import { EcouteError } from '../../core/errors.js';
import type { AlertQuery } from './types.js';
import type { Alert } from '../types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface CheckedQuery {
  brand?: string;
  fromMs?: number;
  toMs?: number;
  status?: 'open' | 'resolved';
  limit: number;
  /** Start after this (sort time in epoch ms, id). */
  after?: { t: number; id: string };
  fingerprint: string;
}

function instant(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new EcouteError('BAD_REQUEST', `${name}: not a date (ISO 8601 expected, e.g. 2026-03-01 or 2026-03-01T10:00:00Z): ${JSON.stringify(value)}`);
  return ms;
}

export function checkQuery(kind: 'alerts' | 'incidents', q: AlertQuery = {}): CheckedQuery {
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new EcouteError('BAD_REQUEST', `limit: must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  if (q.status !== undefined && q.status !== 'open' && q.status !== 'resolved') throw new EcouteError('BAD_REQUEST', `status: must be open or resolved, got ${JSON.stringify(q.status)}`);
  const fromMs = instant('from', q.from);
  const toMs = instant('to', q.to);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([kind, q.brand ?? null, fromMs ?? null, toMs ?? null, q.status ?? null]))
    .digest('base64url')
    .slice(0, 12);
  const checked: CheckedQuery = {
    limit,
    fingerprint,
    ...(q.brand !== undefined && { brand: q.brand }),
    ...(fromMs !== undefined && { fromMs }),
    ...(toMs !== undefined && { toMs }),
    ...(q.status !== undefined && { status: q.status }),
  };
  if (q.cursor !== undefined) checked.after = decodeCursor(q.cursor, fingerprint);
  return checked;
}

export function encodeCursor(t: number, id: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ t, id, f: fingerprint }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): { t: number; id: string } {
  const bad = (why: string) => new EcouteError('BAD_CURSOR', `cursor: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('malformed (not a cursor returned by a previous page)');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('malformed (not a cursor returned by a previous page)');
  }
  const v = value as { t?: unknown; id?: unknown; f?: unknown } | null;
  if (!v || typeof v.t !== 'number' || typeof v.id !== 'string' || typeof v.f !== 'string') throw bad('malformed (not a cursor returned by a previous page)');
  if (v.f !== fingerprint) throw bad('belongs to a request with other filters (brand, from, to, status); start again without it');
  return { t: v.t, id: v.id };
}

/** The acknowledgement to keep: the stored one if there is one (the first stays), else the incoming one. */
export function keptAck<T extends { acknowledgedAt?: string; acknowledgedBy?: string }>(incoming: T, stored: { acknowledgedAt?: string; acknowledgedBy?: string } | undefined): T {
  if (!stored?.acknowledgedAt) return incoming;
  const out: T = { ...incoming, acknowledgedAt: stored.acknowledgedAt };
  if (stored.acknowledgedBy !== undefined) out.acknowledgedBy = stored.acknowledgedBy;
  else delete out.acknowledgedBy;
  return out;
}

/** Privacy (issue 14, H4): the alert without these mentions among its examples; undefined when none was there. */
export function withoutExamples(alert: Alert, mentionIds: ReadonlySet<string>): Alert | undefined {
  const examples = alert.explanation.examples.filter((e) => !mentionIds.has(e.id));
  if (examples.length === alert.explanation.examples.length) return undefined;
  return { ...alert, explanation: { ...alert.explanation, examples } };
}
