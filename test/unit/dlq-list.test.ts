// `ecoute dlq` parts over a real embedded bus (in memory): a failure written twice (a batch done
// again after a crash) is one entry with two copies; a dropped or replayed mark is honoured;
// filters and --since read what a person types; an unknown id is refused by name.
import { afterEach, describe, expect, it } from 'vitest';
import { filterEntries, parseSince, pick, readDeadLetters, REPLAY_OF_HEADER } from '../../src/cli/dlq/list.js';
import { refusal } from '../../src/cli/dlq/replay.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { deadLetterRecord } from '../../src/streams/dead-letter.js';

let bus: EmbeddedBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

const analyzeLetter = (offset: number, input = '{"hello":"world"}') =>
  deadLetterRecord({ stage: 'analyze', code: 'RECORD_UNREADABLE', reason: 'not a raw mention', origin: { topic: 'mentions.raw', partition: 0, offset }, input });

describe('dlq list', () => {
  it('folds a failure written twice into one entry, keeps a replay failure apart, honours the marks', async () => {
    bus = new EmbeddedBus({ file: ':memory:' });
    await bus.publish('mentions.dlq', [analyzeLetter(4), analyzeLetter(4), analyzeLetter(9)]);
    const again = analyzeLetter(4);
    await bus.publish('mentions.dlq', [{ ...again, headers: { ...again.headers, [REPLAY_OF_HEADER]: '0-0' } }]);
    const entries = await readDeadLetters(bus, new Map());
    // Order is by time (then origin): compared by id here, the time being the clock's.
    expect(entries.map((e) => [e.id, e.copies.map((c) => c.id), e.replayOf]).sort()).toEqual([
      ['0-0', ['0-0', '0-1'], undefined],
      ['0-2', ['0-2'], undefined],
      ['0-3', ['0-3'], '0-0'],
    ]);
    const marked = await readDeadLetters(bus, new Map([['0-1', { status: 'replayed', at: '2026-12-02T00:00:00Z', to: 'mentions.raw' }], ['0-2', { status: 'dropped', at: '2026-12-02T00:00:00Z' }]]));
    expect(marked.map((e) => e.id)).toEqual(['0-0', '0-3']);
    expect(marked[0]?.replayed).toEqual({ at: '2026-12-02T00:00:00Z', to: 'mentions.raw' });
    expect(refusal(marked[0]!)?.code).toBe('DLQ_ALREADY_REPLAYED');
    expect(refusal(marked[1]!)).toBeUndefined();
    expect(filterEntries(marked, { pending: true }).map((e) => e.id)).toEqual(['0-3']);
    expect(pick(marked, ['0-1']).map((e) => e.id)).toEqual(['0-0']);
    expect(() => pick(marked, ['0-2'])).toThrow(/DLQ_UNKNOWN_ID|no dead letter with id 0-2/);
  });

  it('refuses a truncated input and one that is not JSON', async () => {
    bus = new EmbeddedBus({ file: ':memory:' });
    await bus.publish('mentions.dlq', [analyzeLetter(1, `{"text":"${'a'.repeat(20_000)}"}`), analyzeLetter(2, 'not json')]);
    const [cut, garbled] = await readDeadLetters(bus, new Map());
    expect(refusal(cut!)).toMatchObject({ code: 'DLQ_TRUNCATED' });
    expect(refusal(garbled!)).toMatchObject({ code: 'DLQ_NOT_REPLAYABLE' });
  });

  it('reads --since as a date or a duration back from now, and names what it cannot read', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(parseSince('90m', now)).toBe(now - 90 * 60_000);
    expect(parseSince('6h', now)).toBe(now - 6 * 3_600_000);
    expect(parseSince('2d', now)).toBe(now - 2 * 86_400_000);
    expect(parseSince('2026-12-01', now)).toBe(Date.parse('2026-12-01'));
    expect(() => parseSince('last week', now)).toThrow('--since: expected a date');
  });
});
