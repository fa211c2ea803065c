// Report periods as people name them, read in a time zone; a bad one names what was wrong.
import { describe, expect, it } from 'vitest';
import { parsePeriod, scheduledPeriod } from '../../src/reports/period.js';

const NOW = Date.parse('2026-11-12T10:00:00Z'); // a Thursday

describe('report periods', () => {
  it.each([
    ['last-7d', 'UTC', '2026-11-05T00:00:00.000Z', '2026-11-12T00:00:00.000Z', '2026-11-05..2026-11-11'],
    ['last-7d', 'Europe/Paris', '2026-11-04T23:00:00.000Z', '2026-11-11T23:00:00.000Z', '2026-11-05..2026-11-11'],
    ['last-1w', 'Europe/Paris', '2026-11-01T23:00:00.000Z', '2026-11-08T23:00:00.000Z', '2026-W45'],
    ['last-2w', 'UTC', '2026-10-26T00:00:00.000Z', '2026-11-09T00:00:00.000Z', '2026-10-26..2026-11-08'],
    ['2026-11', 'Europe/Paris', '2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z', '2026-11'],
    ['2026-W45', 'UTC', '2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z', '2026-W45'],
    ['2020-W53', 'UTC', '2020-12-28T00:00:00.000Z', '2021-01-04T00:00:00.000Z', '2020-W53'],
    ['2027-W01', 'UTC', '2027-01-04T00:00:00.000Z', '2027-01-11T00:00:00.000Z', '2027-W01'],
  ])('%s in %s', (period, tz, from, to, label) => {
    expect(parsePeriod({ period }, NOW, tz)).toEqual({ from, to, label });
  });

  it('from/to: dates at local midnight, the last day in the label; a DST day is 23 hours', () => {
    expect(parsePeriod({ from: '2026-03-29', to: '2026-03-30' }, NOW, 'Europe/Paris')).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z', label: '2026-03-29..2026-03-29' });
  });

  it('a scheduled monthly report covers the month before the run, in its time zone', () => {
    expect(scheduledPeriod('month', Date.parse('2026-01-01T07:00:00Z'), 'Europe/Paris')).toMatchObject({ label: '2025-12', from: '2025-11-30T23:00:00.000Z', to: '2025-12-31T23:00:00.000Z' });
  });

  it.each([
    [{ period: 'last-week' }, /period "last-week" is not one of last-Nd/],
    [{ period: 'last-0d' }, /N must be 1\.\.366 days/],
    [{ period: '2026-13' }, /month must be 01\.\.12/],
    [{ period: '2026-W54' }, /2026 has ISO weeks W01\.\.W53/],
    [{ period: '2025-W53' }, /2025 has ISO weeks W01\.\.W52/],
    [{ from: '2026-11-10', to: '2026-11-01' }, /from \(2026-11-10\) must be before to \(2026-11-01\)/],
    [{ from: '2026-02-30', to: '2026-03-01' }, /from: "2026-02-30" is not a calendar date/],
    [{ from: '2026-11-01' }, /to: missing/],
    [{ period: 'last-7d', from: '2026-11-01', to: '2026-11-02' }, /either a period/],
  ])('%j is refused, naming the value', (spec, message) => {
    expect(() => parsePeriod(spec, NOW, 'UTC')).toThrow(message);
    try {
      parsePeriod(spec, NOW, 'UTC');
    } catch (error) {
      expect((error as { code: string }).code).toBe('REPORT_BAD_PERIOD');
    }
  });
});
