// Health and schema: the cluster's status, and the index template (with the alias) put in place,
// applied to the monthly indices made before it.
import { indexPattern, indexSettings, indexTemplate, isMonthlyIndex, MAPPINGS } from './schema.js';
import { migrateIndices } from './migrate.js';
import type { Service } from './service.js';

/** Cluster health (GET / is not served by every build: the integ-test zip answers 405). */
export async function clusterHealth(service: Service): Promise<string> {
  try {
    return (await service.client.cluster.health()).status;
  } catch (error) {
    throw service.failure('health', error);
  }
}

/** Index template (with the alias) and, for indices made before it, the alias and new mappings. Idempotent. */
export async function putSchema(service: Service): Promise<void> {
  const { client, config } = service;
  const prefix = config.layout.prefix;
  try {
    await client.cluster.health();
    await client.indices.putIndexTemplate(indexTemplate(config.layout));
    const resolved = await client.indices.resolveIndex({ name: indexPattern(prefix), expand_wildcards: 'open' });
    // Only our monthly names: with prefixes "a" and "a-b" on one cluster, a-* also matches a-b-*.
    const existing = resolved.indices.filter((i) => isMonthlyIndex(prefix, i.name));
    if (existing.length === 0) return;
    // Indices created before this template version: same mappings (additive), settings, alias.
    const names = existing.map((i) => i.name);
    await client.indices.putMapping({ index: names, properties: MAPPINGS.properties ?? {}, dynamic_templates: MAPPINGS.dynamic_templates ?? [] });
    const s = indexSettings(config.layout);
    await client.indices.putSettings({ index: names, settings: { number_of_replicas: s.number_of_replicas ?? 0, refresh_interval: s.refresh_interval ?? '1s' } });
    const missing = existing.filter((i) => !(i.aliases ?? []).includes(config.alias)).map((i) => i.name);
    if (missing.length > 0) await client.indices.updateAliases({ actions: [{ add: { indices: missing, alias: config.alias } }] });
    // Schema version 3 changed how terms are indexed: older indices' documents are derived again.
    await migrateIndices(service, names);
    for (const name of names) service.indices.add(name);
  } catch (error) {
    throw service.failure('ensureSchema', error);
  }
}
