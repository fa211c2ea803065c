// Alerts and incidents: GET /api/alerts, /api/alerts/:id, /api/incidents, /api/incidents/:id (scope
// read), POST /api/alerts/:id/ack, /api/incidents/:id/ack and /api/alerts/:id/feedback (scope admin:
// they change what the team sees). Read through the AlertStore the composition root gives
// (ApiDeps.alertStore); without one these routes answer 503 API_ALERTS_UNAVAILABLE. An ack records
// the token's name as who acknowledged; the first ack stays.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AlertStore } from '../../alerts/store/types.js';
import { HttpError } from '../../http/errors.js';
import { authorize } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { knownBrand } from '../context.js';
import { from, IdParams, jsonSchema, NoQuery, parseParams, to } from '../params.js';

const limit = z
  .string()
  .regex(/^\d+$/, 'must be a whole number from 1 to 500')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500'))
  .describe('Items per page.');

const listShape = {
  brand: z.string().min(1).max(200).optional().describe('Only this brand (an id of GET /api/brands).'),
  status: z.enum(['open', 'resolved']).optional().describe('Incidents in this status (for alerts: whose incident is in it).'),
  from: from.optional().describe('Alerts: window starting at or after; incidents: updated at or after (YYYY-MM-DD or ISO 8601).'),
  to: to.optional().describe('Alerts: window starting before; incidents: opened before (YYYY-MM-DD or ISO 8601).'),
  cursor: z.string().min(1).max(4096).optional().describe('next_cursor of the previous page (same filters).'),
  limit: limit.default(50),
};
export const AlertsQuery = z.strictObject(listShape);
export const FeedbackBody = z.strictObject({ feedback: z.enum(['useful', 'not_useful']).describe('Whether this alert was worth it: tunes the rules over time.') });

function storeOf(deps: ApiDeps): AlertStore {
  if (!deps.alertStore) throw new HttpError(503, 'API_ALERTS_UNAVAILABLE', 'this API was started without an alert store (start it with ecoute run or ecoute serve)');
  return deps.alertStore;
}

function listQuery(deps: ApiDeps, request: FastifyRequest) {
  const p = parseParams(AlertsQuery, request.query);
  if (p.brand !== undefined) knownBrand(deps, p.brand, 'brand');
  if (p.from !== undefined && p.to !== undefined && p.from >= p.to) throw new HttpError(400, 'API_BAD_PARAMETER', `to: must be after from (got from ${p.from}, to ${p.to})`, { body: { parameter: 'to' } });
  return {
    limit: p.limit,
    ...(p.brand !== undefined && { brand: p.brand }),
    ...(p.status !== undefined && { status: p.status }),
    ...(p.from !== undefined && { from: p.from }),
    ...(p.to !== undefined && { to: p.to }),
    ...(p.cursor !== undefined && { cursor: p.cursor }),
  };
}

const alertNotFound = (id: string) => new HttpError(404, 'API_ALERT_NOT_FOUND', `no alert with id "${id}"`, { body: { parameter: 'id' } });
const incidentNotFound = (id: string) => new HttpError(404, 'API_INCIDENT_NOT_FOUND', `no incident with id "${id}"`, { body: { parameter: 'id' } });

export async function alertRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const read = { config: { scope: 'read' as const } };
  const admin = { config: { scope: 'admin' as const } };
  const security = [{ bearer: [] }];

  app.get('/api/alerts', { schema: { summary: 'Alerts, newest first', tags: ['alerts'], querystring: jsonSchema(AlertsQuery), security }, ...read }, async (request) => {
    const page = await storeOf(deps).listAlerts(listQuery(deps, request));
    return { alerts: page.items, next_cursor: page.nextCursor ?? null };
  });

  app.get('/api/alerts/:id', { schema: { summary: 'One alert, with its explanation', tags: ['alerts'], params: jsonSchema(IdParams), querystring: jsonSchema(NoQuery), security }, ...read }, async (request) => {
    const { id } = parseParams(IdParams, request.params, 'path parameter');
    parseParams(NoQuery, request.query);
    const alert = await storeOf(deps).getAlert(id);
    if (!alert) throw alertNotFound(id);
    return { alert };
  });

  app.get('/api/incidents', { schema: { summary: 'Incidents, newest first', tags: ['alerts'], querystring: jsonSchema(AlertsQuery), security }, ...read }, async (request) => {
    const page = await storeOf(deps).listIncidents(listQuery(deps, request));
    return { incidents: page.items, next_cursor: page.nextCursor ?? null };
  });

  app.get('/api/incidents/:id', { schema: { summary: 'One incident, with its alerts', tags: ['alerts'], params: jsonSchema(IdParams), querystring: jsonSchema(NoQuery), security }, ...read }, async (request) => {
    const { id } = parseParams(IdParams, request.params, 'path parameter');
    parseParams(NoQuery, request.query);
    const store = storeOf(deps);
    const incident = await store.getIncident(id);
    if (!incident) throw incidentNotFound(id);
    const alerts = (await Promise.all(incident.alertIds.map((a) => store.getAlert(a)))).filter((a) => a !== undefined);
    return { incident, alerts };
  });

  const ackSchema = (what: string) => ({ summary: `Acknowledge ${what} (the first acknowledgement stays)`, tags: ['alerts'], params: jsonSchema(IdParams), querystring: jsonSchema(NoQuery), security });

  app.post('/api/alerts/:id/ack', { schema: ackSchema('an alert'), ...admin }, async (request) => {
    const { id } = parseParams(IdParams, request.params, 'path parameter');
    parseParams(NoQuery, request.query);
    const store = storeOf(deps);
    if (!(await store.getAlert(id))) throw alertNotFound(id);
    const by = authorize(request, deps.tokens, 'admin').name;
    return { alert: await store.acknowledge(id, by) };
  });

  app.post('/api/incidents/:id/ack', { schema: ackSchema('an incident'), ...admin }, async (request) => {
    const { id } = parseParams(IdParams, request.params, 'path parameter');
    parseParams(NoQuery, request.query);
    const store = storeOf(deps);
    if (!(await store.getIncident(id))) throw incidentNotFound(id);
    const by = authorize(request, deps.tokens, 'admin').name;
    return { incident: await store.acknowledge(id, by) };
  });

  app.post(
    '/api/alerts/:id/feedback',
    { schema: { summary: 'Say whether an alert was useful', tags: ['alerts'], params: jsonSchema(IdParams), querystring: jsonSchema(NoQuery), body: jsonSchema(FeedbackBody), security }, ...admin },
    async (request) => {
      const { id } = parseParams(IdParams, request.params, 'path parameter');
      parseParams(NoQuery, request.query);
      const { feedback } = parseParams(FeedbackBody, request.body, 'body field');
      const alert = await storeOf(deps).setFeedback(id, feedback);
      if (!alert) throw alertNotFound(id);
      return { alert };
    },
  );
}
