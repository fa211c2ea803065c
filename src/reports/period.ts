// Report periods: what `--period` / `period=` and a schedule's `period` mean, as [from, to) instants.
// Whole days, weeks and months are read in a time zone (a Paris team's "last week" starts at
// Monday 00:00 in Paris, which is 23:00 or 22:00 UTC depending on the season). Every period has a
// previous one of the same length just before it, which the headline figures compare against.
import { EcouteError } from '../core/errors.js';

export interface Period {
  /** Inclusive start, ISO 8601 UTC. */
  from: string;
  /** Exclusive end, ISO 8601 UTC. */
  to: string;
  /** How people name it: "2026-W45", "2026-11", "2026-11-01..2026-11-07"; also the file name part. */
  label: string;
}

const DAY_MS = 86_400_000;

export const PERIOD_FORMS = 'last-Nd (e.g. last-7d), last-Nw (e.g. last-4w), a month (2026-11), an ISO week (2026-W45), or from/to dates';

function badPeriod(message: string): EcouteError {
  return new EcouteError('REPORT_BAD_PERIOD', message);
}

/** The offset of `tz` from UTC at `instantMs`, in ms (Paris in summer: +2 h). */
function offsetMs(instantMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(
    new Date(instantMs),
  );
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant of local midnight starting the calendar day y-m-d in `tz` (month 0-based; overflow allowed). */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month, day);
  // Two passes: the offset at the guess may differ from the offset at the answer near a change.
  let guess = wall - offsetMs(wall, tz);
  guess = wall - offsetMs(guess, tz);
  return guess;
}

/** The local calendar date of an instant in `tz`. */
export function localDate(instantMs: number, tz: string): { year: number; month: number; day: number; weekday: number } {
  const local = new Date(instantMs + offsetMs(instantMs, tz));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate(), weekday: (local.getUTCDay() + 6) % 7 };
}

const iso = (ms: number) => new Date(ms).toISOString();
const ymd = (ms: number, tz: string) => {
  const d = localDate(ms, tz);
  return `${d.year}-${String(d.month + 1).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
};

/** Monday 00:00 (in tz) of ISO week `week` of ISO year `year`. */
function isoWeekStart(year: number, week: number, tz: string): number {
  // 4 January is always in week 1.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = 4 - ((jan4.getUTCDay() + 6) % 7);
  return localMidnight(year, 0, mondayOfWeek1 + (week - 1) * 7, tz);
}

function isoWeekOf(ms: number, tz: string): { year: number; week: number } {
  const d = localDate(ms, tz);
  const date = new Date(Date.UTC(d.year, d.month, d.day));
  date.setUTCDate(date.getUTCDate() + 3 - d.weekday); // the week's Thursday decides its year
  const year = date.getUTCFullYear();
  const week = 1 + Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return { year, week };
}

function weeksInYear(year: number): number {
  return isoWeekOf(Date.UTC(year, 11, 28, 12), 'UTC').week;
}

/** A date (YYYY-MM-DD, local midnight in tz) or an ISO 8601 instant. */
function instant(value: string, what: string, tz: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const ms = localMidnight(Number(day[1]), Number(day[2]) - 1, Number(day[3]), tz);
    if (ymd(ms, tz) !== value) throw badPeriod(`${what}: "${value}" is not a calendar date`);
    return ms;
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw badPeriod(`${what}: "${value}" is not a date (YYYY-MM-DD) or an ISO 8601 instant`);
  return ms;
}

/**
 * The period a spec names, at `nowMs` in `tz`. last-Nd: the N whole days before today; last-Nw:
 * the N whole ISO weeks before this one; 2026-11: that month; 2026-W45: that ISO week.
 */
export function parsePeriod(spec: { period?: string | undefined; from?: string | undefined; to?: string | undefined }, nowMs: number, tz = 'UTC'): Period {
  if (spec.from !== undefined || spec.to !== undefined) {
    if (spec.period !== undefined) throw badPeriod(`give either a period ("${spec.period}") or from/to, not both`);
    if (spec.from === undefined || spec.to === undefined) throw badPeriod(`${spec.from === undefined ? 'from' : 'to'}: missing (from and to go together)`);
    const from = instant(spec.from, 'from', tz);
    const to = instant(spec.to, 'to', tz);
    if (from >= to) throw badPeriod(`from (${spec.from}) must be before to (${spec.to})`);
    return { from: iso(from), to: iso(to), label: `${ymd(from, tz)}..${ymd(to - 1, tz)}` };
  }
  const p = (spec.period ?? 'last-7d').trim();
  const today = localDate(nowMs, tz);
  let m = /^last-(\d{1,3})([dw])$/.exec(p);
  if (m) {
    const n = Number(m[1]);
    if (n < 1 || (m[2] === 'd' && n > 366) || (m[2] === 'w' && n > 53)) throw badPeriod(`period "${p}": N must be 1..366 days or 1..53 weeks`);
    if (m[2] === 'd') {
      const to = localMidnight(today.year, today.month, today.day, tz);
      const from = localMidnight(today.year, today.month, today.day - n, tz);
      return { from: iso(from), to: iso(to), label: n === 1 ? ymd(from, tz) : `${ymd(from, tz)}..${ymd(to - 1, tz)}` };
    }
    const to = localMidnight(today.year, today.month, today.day - today.weekday, tz);
    const from = localMidnight(today.year, today.month, today.day - today.weekday - 7 * n, tz);
    if (n === 1) {
      const w = isoWeekOf(from, tz);
      return { from: iso(from), to: iso(to), label: `${w.year}-W${String(w.week).padStart(2, '0')}` };
    }
    return { from: iso(from), to: iso(to), label: `${ymd(from, tz)}..${ymd(to - 1, tz)}` };
  }
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw badPeriod(`period "${p}": month must be 01..12`);
    return { from: iso(localMidnight(year, month - 1, 1, tz)), to: iso(localMidnight(year, month, 1, tz)), label: p };
  }
  m = /^(\d{4})-W(\d{2})$/i.exec(p);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > weeksInYear(year)) throw badPeriod(`period "${p}": ${year} has ISO weeks W01..W${weeksInYear(year)}`);
    const from = isoWeekStart(year, week, tz);
    const start = localDate(from, tz);
    return { from: iso(from), to: iso(localMidnight(start.year, start.month, start.day + 7, tz)), label: `${year}-W${String(week).padStart(2, '0')}` };
  }
  throw badPeriod(`period "${p}" is not one of ${PERIOD_FORMS}`);
}

/** The period a schedule's report covers when it runs at `runMs`: the last whole day, week or month. */
export function scheduledPeriod(kind: 'day' | 'week' | 'month', runMs: number, tz: string): Period {
  if (kind === 'day') return parsePeriod({ period: 'last-1d' }, runMs, tz);
  if (kind === 'week') return parsePeriod({ period: 'last-1w' }, runMs, tz);
  const d = localDate(runMs, tz);
  const first = new Date(Date.UTC(d.year, d.month - 1, 1));
  return parsePeriod({ period: `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}` }, runMs, tz);
}

/** The period of the same length just before. */
export function previousPeriod(p: Pick<Period, 'from' | 'to'>): { from: string; to: string } {
  const from = Date.parse(p.from);
  const to = Date.parse(p.to);
  return { from: iso(from - (to - from)), to: p.from };
}
