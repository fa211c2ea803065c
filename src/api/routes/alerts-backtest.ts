// POST /api/alerts/backtest: the backtest of `ecoute alerts backtest`, for the dashboard's rule
// editor: a brand's stored history through its rules, or through rules being edited (`rules`, the
// same shape as brands[].alerts.rules in the config), without storing or sending anything.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { backtest, backtestLine } from '../../alerts/backtest.js';
import { AlertRuleSchema, BrandAlertsSchema, DEFAULT_BRAND_ALERTS, PRESETS } from '../../alerts/config.js';
import { isEcouteError } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';
import { knownBrand, type ApiDeps } from '../context.js';
import { brand, from, jsonSchema, parseParams, to } from '../params.js';

const DAY = 86_400_000;

export const BacktestBody = z.strictObject({
  brand: brand.describe('The brand (an id of GET /api/brands).'),
  from: from.optional().describe('Windows starting at or after (default 30 days before `to`).'),
  to: to.optional().describe('Windows starting before (default now).'),
  rule: z.string().min(1).max(200).optional().describe('Only this rule.'),
  preset: z.enum(PRESETS).optional().describe('Try every rule with this preset instead of its own.'),
  rules: z.array(z.unknown()).max(20).optional().describe('Rules to try instead of the brand\'s (as in brands[].alerts.rules of the config).'),
});

export async function alertsBacktestRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post(
    '/api/alerts/backtest',
    {
      bodyLimit: 64 * 1024,
      schema: { summary: 'Replay a brand\'s stored mentions through alert rules: when each would have fired, and why', tags: ['alerts'], body: jsonSchema(BacktestBody), security: [{ bearer: [] }] },
      config: { scope: 'read' },
    },
    async (request) => {
      const body = parseParams(BacktestBody, request.body, 'body field');
      const config = knownBrand(deps, body.brand, 'brand');
      const toIso = body.to ?? new Date().toISOString();
      const fromIso = body.from ?? new Date(Date.parse(toIso) - 30 * DAY).toISOString();
      if (fromIso >= toIso) throw new HttpError(400, 'API_BAD_PARAMETER', `from (${fromIso}) must be before to (${toIso})`, { body: { parameter: 'from' } });
      let tried = config;
      if (body.rules !== undefined) {
        const rules = z.array(AlertRuleSchema).safeParse(body.rules);
        if (!rules.success) {
          const issue = rules.error.issues[0]!;
          const path = ['rules', ...issue.path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
          throw new HttpError(400, 'API_BAD_PARAMETER', `${path}: ${issue.message}`, { body: { parameter: 'rules' } });
        }
        tried = { ...config, alerts: BrandAlertsSchema.parse({ ...(config.alerts ?? DEFAULT_BRAND_ALERTS), rules: rules.data }) };
      }
      try {
        const result = await backtest(deps.store, [tried], { brand: body.brand, from: fromIso, to: toIso, ...(body.rule !== undefined && { rule: body.rule }), ...(body.preset !== undefined && { preset: body.preset }) });
        return {
          brand: result.brand,
          from: result.from,
          to: result.to,
          rules: result.rules,
          alerts: result.alerts.map(backtestLine),
          incidents: result.incidents,
          mentions: result.mentions,
          elapsed_ms: result.elapsedMs,
        };
      } catch (error) {
        if (isEcouteError(error) && error.code === 'ALERTS_RULE_UNKNOWN') throw new HttpError(400, 'API_BAD_PARAMETER', `rule: ${error.message}`, { body: { parameter: 'rule' }, cause: error });
        throw error;
      }
    },
  );
}
