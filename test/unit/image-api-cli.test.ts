// The image analysis's faces: GET /api/brands/:id/image (auth, 404 for an unknown brand, 400 for
// bad dates, snake_case answer, in the OpenAPI document), `ecoute image` (table, --json, errors)
// and `ecoute image intended --from-texts` (YAML that pastes into the config), and the config check
// of the intended image's field names. Against the real embedded store and the built command.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPlugin, loadTokens } from '../../src/api/index.js';
import { checkConfig } from '../../src/config/load.js';
import { BrandSchema, ConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { workspace, type Workspace } from '../helpers/cli.js';
import { makeMention } from '../helpers/mentions.js';

const CONFIG = `data_dir: ./data
brands:
  - id: acme
    name: Acme
    query: acme
    competitors: [globex]
    intended_image:
      fields:
        quality: { weight: 3, tone: 0.7 }
        delivery: { weight: 1 }
  - { id: globex, name: Globex, query: globex }
`;

const READ = 'read-token-0123456789abcdef';
let ws: Workspace;
let server: HttpServer;
let store: EmbeddedMentionStore;

const at = (d: number) => new Date(Date.UTC(2026, 10, d, 10)).toISOString();
const mentions = [
  ...Array.from({ length: 30 }, (_, i) =>
    makeMention({ id: `q${i}`, text: 'acme quality', brands: ['acme'], authorKey: `a${i}`, publishedAt: at(1 + (i % 20)), score: 0.5, analysis: { fields: { quality: { hits: 1, tone: 0.5 } } } }),
  ),
  ...Array.from({ length: 30 }, (_, i) =>
    makeMention({ id: `d${i}`, text: 'acme late delivery', brands: ['acme'], authorKey: `b${i}`, publishedAt: at(1 + (i % 20)), score: -0.6, analysis: { fields: { delivery: { hits: 1, tone: -0.6 } } } }),
  ),
  makeMention({ id: 'g1', text: 'globex quality', brands: ['globex'], authorKey: 'c1', publishedAt: at(3), score: 0.2, analysis: { fields: { quality: { hits: 1, tone: 0.2 } } } }),
];

beforeAll(async () => {
  ws = workspace(CONFIG);
  mkdirSync(join(ws.dir, 'data'));
  store = new EmbeddedMentionStore({ file: join(ws.dir, 'data', 'store.sqlite') });
  await store.ensureSchema();
  await store.upsert(mentions);
  const config = ConfigSchema.parse({ ...parse(CONFIG), data_dir: ws.dir, api: { tokens: [{ name: 'dash', scope: 'read', secret_env: 'ECOUTE_TEST_READ' }] } });
  const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  server.register(
    apiPlugin({ store, brands: config.brands, tokens: loadTokens(config.api, ws.dir, { ECOUTE_TEST_READ: READ }).tokens, rateLimitPerMinute: 10_000, log, ready: async () => undefined }),
  );
  await server.app.ready();
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

const get = (url: string, token: string | null = READ) =>
  server.app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe('GET /api/brands/:id/image', () => {
  it('answers the analysis in snake_case, for the period asked', async () => {
    const res = await get('/api/brands/acme/image?from=2026-11-01&to=2026-12-01');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ brand: 'acme', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', mentions: 60, unique_authors: 60 });
    expect(body.intended).toEqual([
      { field: 'quality', weight: 3, share: 0.75, tone: 0.7 },
      { field: 'delivery', weight: 1, share: 0.25, tone: 0.5 },
    ]);
    const delivery = body.fields.find((f: { field: string }) => f.field === 'delivery');
    expect(delivery).toMatchObject({ share: 0.5, intended_share: 0.25, share_gap: 0.25, tone: -0.6, status: 'inverted', query: 'field:delivery', unique_authors: 30 });
    expect(delivery.share_ci[0]).toBeLessThan(0.5);
    expect(body.congruence.tone_weighted).toBeLessThan(body.congruence.score);
    expect(body.summary).toContain('Delivery is perceived 2× more than intended, and negatively.');
    expect(body.competitors.map((c: { brand: string }) => c.brand)).toEqual(['globex']);
  });

  it('without from/to: the 30 days up to the brand’s newest mention; lang=fr and competitors=false', async () => {
    const body = (await get('/api/brands/acme/image?lang=fr&competitors=false')).json();
    expect(body.to).toBe(new Date(Date.parse(at(20)) + 1).toISOString());
    expect(body.mentions).toBe(60);
    expect(body.competitors).toEqual([]);
    expect(body.summary).toContain('Le thème « Livraison » est perçu 2× plus que voulu, et négativement.');
  });

  it('a brand without intended image: its perceived image and a hint', async () => {
    const body = (await get('/api/brands/globex/image?from=2026-11-01&to=2026-12-01')).json();
    expect(body.intended).toBeNull();
    expect(body.hint).toContain('ecoute image intended --brand globex');
    expect(body.fields.map((f: { field: string }) => f.field)).toEqual(['quality']);
  });

  it('401 without a token, 404 for an unknown brand, 400 naming a bad parameter', async () => {
    expect((await get('/api/brands/acme/image', null)).statusCode).toBe(401);
    const unknown = await get('/api/brands/nobody/image');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'API_BRAND_NOT_FOUND' });
    const bad = await get('/api/brands/acme/image?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'from' });
    const reversed = await get('/api/brands/acme/image?from=2026-12-01&to=2026-11-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'from' });
    expect((await get('/api/brands/acme/image?lang=de')).json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'lang' });
    expect((await get('/api/brands/acme/image?period=week')).json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'period' });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const route = doc.paths['/api/brands/{id}/image'].get;
    expect(route.security).toEqual([{ bearer: [] }]);
    expect(route.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['competitors', 'from', 'id', 'lang', 'to']);
  });
});

describe('ecoute image', () => {
  it('prints the table, the summary and the competitor', () => {
    const r = ws.run(['image', '--brand', 'acme', '--from', '2026-11-01', '--to', '2026-12-01']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Acme · 2026-11-01 → 2026-12-01 · 60 mentions, 60 unique authors');
    expect(r.stdout).toMatch(/^Congruence with the intended image: \d+% \(95% \d+–\d+%\); counting tone: \d+%/m);
    expect(r.stdout).toMatch(/^Delivery\s+50%\s+\d+–\d+%\s+25%\s+\+25 pts\s+−0\.60\s+−0\.60…−0\.60\s+\+0\.50\s+30\s+30\s+inverted/m);
    expect(r.stdout).toContain('• Delivery is perceived 2× more than intended, and negatively.');
    expect(r.stdout).toContain('Competitor Globex: 1 mentions, 1 unique authors');
  });

  it('--json gives the whole analysis; errors name what was wrong', () => {
    const r = ws.run(['image', '--brand', 'acme', '--from', '2026-11-01', '--to', '2026-12-01', '--json', '--lang', 'fr', '--no-competitors']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ brand: 'acme', mentions: 60, competitors: [] });
    expect(a.fields.map((f: { field: string }) => f.field)).toEqual(['quality', 'delivery']);
    const unknown = ws.run(['image', '--brand', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--brand: unknown brand "nobody"; brands in the config: acme, globex');
    const dates = ws.run(['image', '--brand', 'acme', '--from', '2026-12-01', '--to', '2026-11-01']);
    expect(dates.code).toBe(2);
    expect(dates.stderr).toContain('must be before --to');
    expect(ws.run(['image', '--brand', 'acme', '--lang', 'de']).code).toBe(2);
  });

  it('image intended derives weights and tones from the brand’s own texts, as YAML the config accepts', () => {
    const platform = join(ws.dir, 'platform.md');
    writeFileSync(
      platform,
      '# Acme\n\nOur coffee machines are built to last, with excellent quality and a great taste.\n\nThe quality of every part is tested.\n\nOur compostable pods are kind to the planet.\n\n[Read more](https://acme.example)\n',
    );
    const about = join(ws.dir, 'about.md');
    writeFileSync(about, 'Acme innovates: a smart machine with an app.\n');
    const r = ws.run(['image', 'intended', '--brand', 'acme', '--from-texts', platform, about]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Intended image of acme, derived from 2 text\(s\), 6 paragraphs/);
    const doc = parse(r.stdout) as { intended_image: { fields: Record<string, { weight: number; tone: number }> } };
    expect(doc.intended_image.fields.quality!.weight).toBe(2);
    expect(doc.intended_image.fields.quality!.tone).toBeGreaterThan(0);
    expect(Object.keys(doc.intended_image.fields)).toEqual(expect.arrayContaining(['quality', 'ethics_environment', 'innovation']));
    // Pasted under the brand, it validates.
    expect(BrandSchema.parse({ id: 'acme', name: 'Acme', query: 'acme', ...doc }).intended_image!.fields.quality!.weight).toBe(2);
    const none = join(ws.dir, 'none.md');
    writeFileSync(none, 'Lorem ipsum dolor sit amet.\n');
    const empty = ws.run(['image', 'intended', '--brand', 'acme', '--from-texts', none]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('[IMAGE_NO_FIELDS]');
    const missing = ws.run(['image', 'intended', '--brand', 'acme', '--from-texts', join(ws.dir, 'nope.md')]);
    expect(missing.stderr).toContain('[FILE_UNREADABLE] cannot read');
  });
});

describe('the intended image in the config', () => {
  it('an unknown field names its path and the known fields (shipped and the brand’s own)', () => {
    const { problems } = checkConfig(
      `brands:
  - id: acme
    name: Acme
    query: acme
    fields: { barista_app: { en: [app] } }
    intended_image:
      fields:
        quality: { weight: 2 }
        barista_app: { weight: 1 }
        coolness: { weight: 1 }
`,
      'x.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^brands\[0\]\.intended_image\.fields\.coolness: unknown semantic field "coolness"; known fields: competence, delivery, .*, trust_security, barista_app \(add your own under brands\[0\]\.fields\)$/);
  });

  it('weights must be numbers of at least 0, one above 0; tones in -1..1', () => {
    const bad = checkConfig(
      `brands:
  - { id: a, name: A, query: a, intended_image: { fields: { quality: { weight: 0 } } } }
  - { id: b, name: B, query: b, intended_image: { fields: { quality: { weight: 1, tone: 2 } } } }
`,
      'x.yaml',
    ).problems;
    expect(bad).toEqual([
      expect.stringMatching(/^brands\[0\]\.intended_image\.fields: needs at least one field with a weight above 0/),
      expect.stringMatching(/^brands\[1\]\.intended_image\.fields\.quality\.tone: /),
    ]);
  });
});
