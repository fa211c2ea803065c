import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { storeContract } from './store.contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-store-'));
  dirs.push(dir);
  return new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
});
