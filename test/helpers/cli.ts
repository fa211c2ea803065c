// Runs the built `ecoute` command (npm test builds first) in a scratch directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/ecoute.js');

if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) {
  throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
}

export interface Workspace {
  dir: string;
  config: string;
  run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string };
  spawn(args: string[]): ChildProcess;
}

export function workspace(yaml?: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-e2e-'));
  const config = join(dir, 'ecoute.yaml');
  writeFileSync(
    config,
    yaml ??
      `data_dir: ${join(dir, 'data')}
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp"' }
  - { id: globex, name: Globex, query: globex }
`,
  );
  const env = { ...process.env, ECOUTE_CONFIG: config, NO_COLOR: '1' };
  return {
    dir,
    config,
    run(args, input) {
      freePort(config);
      const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    spawn(args) {
      freePort(config);
      return spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    },
  };
}

/**
 * `ecoute run` and `ecoute serve` open the API on http.port (8080 by default); tests run in
 * parallel, so a config that names no http section gets a free port (0) instead.
 */
export function freePort(config: string): void {
  if (!existsSync(config)) return;
  const text = readFileSync(config, 'utf8');
  if (!/^http:/m.test(text)) appendFileSync(config, `${text.endsWith('\n') ? '' : '\n'}http: { port: 0 }\n`);
}

export function mentionLines(n: number, start = 0): string {
  const lines: string[] = [];
  for (let i = start; i < start + n; i++) {
    const fr = i % 5 < 2;
    lines.push(
      JSON.stringify({
        source: 'bench',
        id: `m${i}`,
        text: fr ? `Acme : livraison numéro ${i} arrivée en retard, service client injoignable.` : `Acme delivery number ${i} was late but the coffee is great.`,
        published_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
        author: `user${i % 97}`,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
