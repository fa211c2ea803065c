// Components own their configuration: each connector's schema is its definition's `config`, each
// bus and store declares its own, and src/config/ only assembles them. So the registry alone decides
// which connectors the config (and the JSON Schema editors use) accepts, and src/core, which every
// component imports, imports nothing outside itself.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { BusSchema, ConfigSchema, ConnectorSchema, StoreSchema } from '../../src/config/schema.js';
import { connectorDefinitions, connectorName, connectors } from '../../src/connectors/registry.js';
import { ElasticsearchStoreSchema } from '../../src/store/elasticsearch/config.js';
import { EmbeddedStoreSchema } from '../../src/store/embedded/config.js';
import { EmbeddedBusSchema } from '../../src/streams/bus/embedded/config.js';
import { KafkaBusSchema } from '../../src/streams/bus/kafka/config.js';

const CORE = resolve('src/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

describe('src/core', () => {
  it('imports nothing from another src/ folder (only itself, node: built-ins and packages)', () => {
    const files = sourceFiles(CORE);
    expect(files.length).toBeGreaterThan(5);
    const outside = files.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('.'))
        .filter((s) => {
          const target = resolve(dirname(file), s);
          return target !== CORE && !target.startsWith(CORE + sep);
        })
        .map((s) => `${relative('.', file)} imports ${s}`),
    );
    expect(outside).toEqual([]);
  });
});

describe('the config schema is assembled from the components', () => {
  it("accepts exactly the registered connectors, each with its definition's own schema, in the registry's order", () => {
    expect(ConnectorSchema.options).toEqual(connectorDefinitions.map((d) => d.config));
    for (const definition of connectorDefinitions) {
      expect(connectors[definition.type]).toBe(definition);
      // The schema's discriminator is the definition's type.
      expect(definition.config.safeParse({ type: definition.type }).error?.issues.some((i) => i.path[0] === 'type')).toBe(false);
    }
    const items = (configJsonSchema() as { properties: { connectors: { items: { oneOf: { properties: { type: { const: string } } }[] } } } }).properties.connectors.items.oneOf;
    expect(items.map((o) => o.properties.type.const)).toEqual(connectorDefinitions.map((d) => d.type));
  });

  it('takes each bus and store schema from beside its implementation', () => {
    expect(BusSchema.options).toEqual([EmbeddedBusSchema, KafkaBusSchema]);
    expect(StoreSchema.options).toEqual([EmbeddedStoreSchema, ElasticsearchStoreSchema]);
  });

  it("names a connector by its definition: the config's name when given, else the definition's default", () => {
    const config = ConfigSchema.parse({
      connectors: [
        { type: 'rss', url: 'https://example.com/feed.xml' },
        { type: 'rss', url: 'https://example.com/feed.xml', name: 'the feed' },
        { type: 'file', path: 'in.jsonl' },
        { type: 'appstore', app_id: '123', country: 'FR' },
      ],
    });
    expect(config.connectors.map(connectorName)).toEqual(['rss:https://example.com/feed.xml', 'the feed', 'file:in.jsonl', 'appstore:fr:123']);
  });
});
