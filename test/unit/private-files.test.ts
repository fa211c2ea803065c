// The data dir holds personal data: what écoute creates there is readable by its owner only.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokens } from '../../src/api/auth.js';
import { authorKeySecret } from '../../src/core/author-key.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { makeMention } from '../helpers/mentions.js';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('files écoute creates under the data dir', () => {
  const roots: string[] = [];
  const root = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-private-'));
    roots.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('makes a new data dir 0700 and the store file and its WAL 0600', async () => {
    const dataDir = join(root(), 'data', 'nested');
    const file = join(dataDir, 'store.sqlite');
    const store = new EmbeddedMentionStore({ file });
    await store.ensureSchema();
    await store.upsert([makeMention({ id: 'm1' })]);
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, '..'))).toBe('700');
    expect(mode(file)).toBe('600');
    expect(mode(`${file}-wal`)).toBe('600');
    await store.close();
  });

  it('keeps the author key and the generated API token at 0600 in a 0700 dir', () => {
    const dataDir = join(root(), 'data');
    authorKeySecret(dataDir);
    loadTokens({ tokens: [] } as unknown as Parameters<typeof loadTokens>[0], dataDir, {});
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, 'author-key'))).toBe('600');
    expect(mode(join(dataDir, 'api-token'))).toBe('600');
  });

  it('leaves an existing folder and file with the modes their owner gave them', async () => {
    const dataDir = join(root(), 'shared');
    mkdirSync(dataDir, { mode: 0o750 });
    const file = join(dataDir, 'store.sqlite');
    const first = new EmbeddedMentionStore({ file });
    await first.ensureSchema();
    await first.close();
    // The owner loosened the file on purpose (e.g. for a backup group): a restart keeps it.
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o640);
    const again = new EmbeddedMentionStore({ file });
    await again.ensureSchema();
    await again.close();
    expect(mode(dataDir)).toBe('750');
    expect(mode(file)).toBe('640');
  });
});
