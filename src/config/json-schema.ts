// The JSON Schema editors use for completion and checks (config/ecoute.schema.json), generated from
// the same zod schemas that validate the config: `npm run schema` writes it (scripts/write-schema.ts),
// and a test fails when the committed file differs from what it would write.
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The text of config/ecoute.schema.json. */
export function schemaText(): string {
  return `${JSON.stringify({ title: 'écoute configuration', ...configJsonSchema() }, null, 2)}\n`;
}
