// /healthz: the process answers. /readyz: the bus and the store answer too (503 naming which does
// not otherwise), for a load balancer or an orchestrator. Neither needs a token, neither says more.
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';
import type { ApiDeps } from '../context.js';

export async function healthRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'] } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { summary: 'The bus and the store answer (503 otherwise)', tags: ['health'] } }, async () => {
    try {
      await deps.ready();
    } catch (error) {
      throw new HttpError(503, 'API_NOT_READY', `not ready: ${errorMessage(error)}`, { cause: error });
    }
    return { ok: true };
  });
}
