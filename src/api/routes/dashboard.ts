// The dashboard's static files, served without a token (they hold no data: the page asks the API
// with the token it was given): `/` is index.html, `/assets/<file>` the page's scripts and styles,
// and `/assets/echarts.min.js` ECharts from the installed package, so no request leaves the machine.
// The folder is found from the package root, whether écoute runs from src (tests) or dist (built).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { EcouteError } from '../../core/errors.js';
import { HttpError } from '../../http/errors.js';
import type { ApiDeps } from '../context.js';

/** The package root: the nearest folder above this file holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new EcouteError('INTERNAL_INVARIANT', 'no package.json above src/api: écoute is not installed as a package');
    dir = up;
  }
  return dir;
}

export const DEFAULT_DASHBOARD_DIR = (): string => join(packageRoot(), 'src', 'api', 'dashboard');
const echartsDir = (): string => dirname(createRequire(import.meta.url).resolve('echarts'));

// The page may load only what écoute serves; it may talk only to écoute.
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const ASSET = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(js|css|svg|png|ico|json|woff2)$/;

export async function dashboardRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const root = resolve(deps.dashboardDir ?? DEFAULT_DASHBOARD_DIR());
  const charts = echartsDir();
  const missing = () => new HttpError(404, 'API_DASHBOARD_MISSING', `the dashboard's files are not in ${root}; the API under /api still works`);
  const hide = { schema: { hide: true } };
  app.get('/', hide, async (_request, reply) => {
    if (!existsSync(join(root, 'index.html'))) throw missing();
    return reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').sendFile('index.html', root);
  });
  app.get('/assets/echarts.min.js', hide, async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').sendFile('echarts.min.js', charts));
  app.get<{ Params: { file: string } }>('/assets/:file', hide, async (request, reply) => {
    const { file } = request.params;
    if (!ASSET.test(file) || !existsSync(join(root, file))) throw new HttpError(404, 'HTTP_NOT_FOUND', `no asset ${file}`);
    return reply.header('cache-control', 'no-cache').sendFile(file, root);
  });
}
