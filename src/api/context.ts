// What the API's routes are given (built by the composition root, src/app), and the request-side
// helpers they share: the store filters from validated parameters, the brand check.
import type { FastifyRequest } from 'fastify';
import type { BrandConfig } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { HttpError } from '../http/errors.js';
import { parseQuery } from '../query/index.js';
import type { MentionStore, SearchFilters } from '../store/types.js';
import type { ApiToken, Scope } from './auth.js';
import type { AlertStore } from '../alerts/store/types.js';
import type { PrivacyApi } from './routes/privacy.js';

export interface ApiDeps {
  store: MentionStore;
  brands: readonly BrandConfig[];
  tokens: readonly ApiToken[];
  /** Resolves when the bus and the store answer; rejects with a reason naming which does not. */
  ready(): Promise<void>;
  rateLimitPerMinute: number;
  /** Failed authentications a minute per client address before 429 (issue 14, security); default 10. */
  authFailuresPerMinute?: number;
  /** Alerts and incidents (routes/alerts.ts); without it those routes answer 503 API_ALERTS_UNAVAILABLE. */
  alertStore?: AlertStore;
  /** The dashboard's folder (default: src/api/dashboard of the package). */
  dashboardDir?: string;
  /** Privacy (issue 14, H4): GDPR requests (routes/privacy.ts); without it those routes answer 503. */
  privacy?: PrivacyApi;
  log: Logger;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API route needs; static files and health checks have none (no token). */
    scope?: Scope;
  }
}

/** The brand of a path or a `brand=` parameter: a 404 names an id the config does not have. */
export function knownBrand(deps: ApiDeps, id: string, parameter?: string): BrandConfig {
  const brand = deps.brands.find((b) => b.id === id);
  if (!brand) {
    const ids = deps.brands.map((b) => b.id);
    throw new HttpError(404, 'API_BRAND_NOT_FOUND', `no brand "${id}"; the brands are ${ids.length > 0 ? ids.join(', ') : 'none (add some under brands: in the config)'}`, {
      ...(parameter !== undefined && { body: { parameter } }),
    });
  }
  return brand;
}

export interface FilterParams {
  q?: string | undefined;
  brand?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  lang?: string | undefined;
  source?: string | undefined;
  sentiment?: SearchFilters['sentiment'] | undefined;
  field?: string | undefined;
}

/** The store's filters and query for validated filter parameters; `field=` is the query's `field:` clause. */
export function storeFilters(deps: ApiDeps, p: FilterParams): SearchFilters & { query?: string } {
  if (p.brand !== undefined) knownBrand(deps, p.brand, 'brand');
  if (p.from !== undefined && p.to !== undefined && p.from >= p.to) {
    throw new HttpError(400, 'API_BAD_PARAMETER', `from (${p.from}) must be before to (${p.to})`, { body: { parameter: 'from' } });
  }
  const q = p.q?.trim() ?? '';
  // Parsed alone first, so a syntax error's column is the user's (not shifted by the field clause).
  if (q !== '') parseQuery(q);
  const query = p.field === undefined ? q : q === '' ? `field:${p.field}` : `(${q}) AND field:${p.field}`;
  return {
    ...(query !== '' && { query }),
    ...(p.brand !== undefined && { brand: p.brand }),
    ...(p.from !== undefined && { from: p.from }),
    ...(p.to !== undefined && { to: p.to }),
    ...(p.lang !== undefined && { lang: p.lang }),
    ...(p.source !== undefined && { source: p.source }),
    ...(p.sentiment !== undefined && { sentiment: p.sentiment }),
  };
}

export type { FastifyRequest };
