// Writes config/ecoute.schema.json from the zod schemas (npm run schema). A test fails when the
// committed file differs from what this would write.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaText } from '../src/config/json-schema.js';

export { schemaText };

const target = fileURLToPath(new URL('../../config/ecoute.schema.json', import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(target, schemaText());
  process.stdout.write(`wrote ${target}\n`);
}
