// Service.shared (es17): identical Elasticsearch reads in flight get one request; none is kept after.
import { describe, expect, it } from 'vitest';
import { Service } from '../../src/store/elasticsearch/service.js';
import type { StoreConfig } from '../../src/store/elasticsearch/options.js';

describe('Elasticsearch Service.shared', () => {
  it('runs one read for identical keys asked while it is out, and a new one once it settled', async () => {
    const service = new Service({ node: 'http://127.0.0.1:1' } as StoreConfig, {} as never);
    let reads = 0;
    let release: (n: number) => void = () => undefined;
    const read = () => {
      reads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = service.shared('k', read);
    const b = service.shared('k', read);
    expect(reads).toBe(1);
    release(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    const c = service.shared('k', read);
    expect(reads).toBe(2);
    release(8);
    expect(await c).toBe(8);
    // A failed read is not kept either.
    const d = service.shared('k', () => Promise.reject(new Error('down')));
    await expect(d).rejects.toThrow('down');
    const e = service.shared('k', read);
    release(9);
    expect(await e).toBe(9);
  });
});
