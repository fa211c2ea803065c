// The mention store every composed process uses, measured: a Proxy that times each bulk write
// (upsert) into ecoute_store_bulk_duration_seconds{store}; everything else passes through.
import type { MentionStore } from '../store/types.js';
import { startBulkTimer } from './metrics.js';

export function meteredStore<S extends MentionStore>(store: S, type: string): S {
  const upsert: MentionStore['upsert'] = async (mentions) => {
    const done = startBulkTimer(type);
    try {
      return await store.upsert(mentions);
    } finally {
      done();
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'upsert') return upsert;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
