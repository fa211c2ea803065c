import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { isEcouteError } from '../../src/core/errors.js';
import { schemaText } from '../../src/config/json-schema.js';

function problems(yaml: string): string {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (error) {
    if (isEcouteError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('loads the shipped default config, with defaults filled in, frozen', () => {
    const config = loadConfig('config/ecoute.yaml');
    expect(config.bus).toMatchObject({ type: 'embedded', retention_ms: 604_800_000 });
    expect(config.store.type).toBe('embedded');
    expect(config.brands.map((b) => b.id)).toContain('acme');
    expect(config.connectors[0]).toMatchObject({ type: 'file', interval_ms: 5000 });
    expect(Object.isFrozen(config.brands[0])).toBe(true);
  });

  it('reports every problem at once, each with its path', () => {
    const message = problems(`
data_dir: ./data
colour: blue
bus: { type: embedded, retention_ms: -5 }
brands:
  - { id: Acme Corp, name: Acme, query: 'acme' }
  - { id: ok, name: OK }
connectors:
  - { type: file, path: a.jsonl }
  - { type: ftp, path: b }
  - { type: file, path: c.jsonl, colour: red }
`);
    expect(message).toContain('colour: unknown key');
    expect(message).toContain('bus.retention_ms:');
    expect(message).toContain('brands[0].id: must be lower-case');
    expect(message).toContain('brands[1].query: required');
    expect(message).toContain('connectors[1].type: must be one of "file"');
    expect(message).toContain('connectors[2].colour: unknown key');
    expect(message).toMatch(/has 6 problems/);
  });

  it('rejects a brand query that does not parse and an unknown competitor', () => {
    const message = problems(`
brands:
  - { id: a, name: A, query: 'acme AND (', competitors: [nobody] }
`);
    expect(message).toMatch(/brands\[0\]\.query: /);
    expect(message).toContain('brands[0].competitors[0]: unknown brand id "nobody"');
  });

  it('names YAML syntax errors', () => {
    expect(problems('brands: [ {id: a')).toMatch(/invalid YAML/);
  });

  it('keeps config/ecoute.schema.json in sync with the zod schemas (npm run schema rewrites it)', () => {
    expect(readFileSync('config/ecoute.schema.json', 'utf8')).toBe(schemaText());
  });
});
