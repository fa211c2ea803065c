// Between a connector and the store, a mention is checked once at each trust boundary and its id
// computed once: the webhook's per-item check is the one the publisher relies on, and the id the
// publisher keys the record by is the id the analyze stage gives the mention.
import { describe, expect, it, vi } from 'vitest';

const calls = { mentionId: 0, checkMention: 0 };
vi.mock('../../src/core/ids.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/ids.js')>();
  return { ...real, mentionId: (source: string, sourceId: string) => (calls.mentionId++, real.mentionId(source, sourceId)) };
});
vi.mock('../../src/connectors/output.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/connectors/output.js')>();
  return { ...real, checkMention: (...args: Parameters<typeof real.checkMention>) => (calls.checkMention++, real.checkMention(...args)) };
});

const { createHash } = await import('node:crypto');
const { MentionPublisher } = await import('../../src/connectors/publish.js');
const { validateItems } = await import('../../src/connectors/webhook/body.js');
const { analyzeBatch } = await import('../../src/streams/analyze.js');
const { brandMatcher } = await import('../../src/streams/brands.js');
const { mentionBody } = await import('../../src/core/mention-text.js');
type Bus = import('../../src/streams/bus/types.js').Bus;
type BusRecord = import('../../src/streams/bus/types.js').BusRecord;

/** A bus that keeps what is published, by topic. */
function memoryBus(): { bus: Bus; topics: Record<string, BusRecord[]> } {
  const topics: Record<string, BusRecord[]> = {};
  const bus = { publish: async (topic: string, records: BusRecord[]) => void (topics[topic] ??= []).push(...records) } as unknown as Bus;
  return { bus, topics };
}

const expectedId = (source: string, sourceId: string) => createHash('sha256').update(source).update('\u0000').update(sourceId).digest('hex').slice(0, 32);

describe('validate once, id once', () => {
  it('a webhook mention is checked once and its id computed once, from the request to the analyzed mention', async () => {
    const { bus, topics } = memoryBus();
    const body = validateItems([{ id: 'r1', text: 'Acme coffee is great', published_at: '2026-11-01T00:00:00Z' }, { id: 'r2', text: 'Acme delivery was late' }], 'shop', '2026-11-02T00:00:00Z');
    expect(body.rejections).toEqual([]);
    const publisher = new MentionPublisher({ bus });
    for (const m of body.mentions) await publisher.addChecked(m.mention);
    await publisher.flush();
    const records = (topics['mentions.raw'] ?? []).map((r, offset) => ({ ...r, topic: 'mentions.raw' as const, partition: 0, offset, timestamp: 0 }));
    const { analyzed, dead } = analyzeBatch(records, { languages: ['en', 'fr'], matchBrands: brandMatcher([{ id: 'acme', name: 'Acme', query: 'acme', competitors: [] }]), authorKeySecret: 'k' });
    expect(dead).toEqual([]);
    expect(analyzed.map((r) => JSON.parse(r.value).id)).toEqual([expectedId('shop', 'r1'), expectedId('shop', 'r2')]);
    expect(calls).toEqual({ checkMention: 2, mentionId: 2 });
  });

  it("a mention's body is its title and text on two lines, or its text alone", () => {
    expect(mentionBody({ title: 'Late again', text: 'The parcel came a week late' })).toBe('Late again\nThe parcel came a week late');
    expect(mentionBody({ text: 'The parcel came a week late' })).toBe('The parcel came a week late');
  });
});
