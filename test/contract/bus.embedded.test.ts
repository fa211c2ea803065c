import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { busContract } from './bus.contract.js';

busContract('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-bus-'));
  return new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 20, retryBackoffMs: 20 });
});
