// The perceived image of one brand over one period, from the store's per-author field stats
// (MentionStore.fieldAuthors: near-duplicates left out, each author once per field), and its gap
// with the intended image. Pure: the same FieldAuthors and seed give the same result.
import { TONE_BIN_WIDTH, type FieldAuthors, type FieldAuthorStat } from '../store/types.js';
import { congruenceOf } from './congruence.js';
import { fieldLabel, type ImageLang } from './labels.js';
import { halfWidth, percentileInterval, poisson, seededRandom, wilson } from './stats.js';
import type { FieldImage, ImageAnalysis, IntendedField, Interval } from './types.js';

/** Bootstrap resamples: enough for stable 95 % percentile intervals. */
export const RESAMPLES = 1000;
/** An intended field is strong from this share on (inverted fields are strong ones perceived negatively). */
export const STRONG_SHARE = 0.1;
/** Missing: perceived below this fraction of the intended share (and surely below the intended share). */
export const MISSING_FRACTION = 0.25;

export interface Perceived {
  fields: FieldImage[];
  congruence?: NonNullable<ImageAnalysis['congruence']>;
  inverted: string[];
  missing: string[];
  /** Author-field units: the denominator of the shares. */
  units: number;
}

const binTone = (bin: number): number => bin * TONE_BIN_WIDTH - 1;

interface Resampled {
  /** counts[b][f], tones[b][f] (NaN: no toned unit in the resample). */
  counts: Float64Array[];
  tones: Float64Array[];
}

/** Poisson bootstrap of every field's unit count and mean tone, jointly (one set of draws per resample). */
function resample(stats: readonly FieldAuthorStat[], random: () => number, times: number): Resampled {
  const counts: Float64Array[] = [];
  const tones: Float64Array[] = [];
  for (let b = 0; b < times; b++) {
    const c = new Float64Array(stats.length);
    const t = new Float64Array(stats.length);
    stats.forEach((s, f) => {
      let n = 0;
      let sum = 0;
      for (const [bin, k] of s.tones) {
        const w = poisson(k, random);
        n += w;
        sum += w * binTone(bin);
      }
      c[f] = n + poisson(s.authors - s.tonedAuthors, random);
      t[f] = n > 0 ? sum / n : NaN;
    });
    counts.push(c);
    tones.push(t);
  }
  return { counts, tones };
}

function statusOf(f: Omit<FieldImage, 'status'>, intended: boolean): FieldImage['status'] {
  if (!intended || f.intendedShare === undefined || f.intendedShare === 0) return 'unplanned';
  const wantedTone = f.intendedTone ?? 0;
  if (f.intendedShare >= STRONG_SHARE && wantedTone > 0 && f.toneCi !== null && f.toneCi[1] < 0) return 'inverted';
  if (f.share < f.intendedShare * MISSING_FRACTION && f.shareCi[1] < f.intendedShare) return 'missing';
  if (f.shareCi[0] > f.intendedShare) return 'over';
  if (f.shareCi[1] < f.intendedShare) return 'under';
  return 'aligned';
}

const shift = (ci: Interval, by: number): Interval => [ci[0] - by, ci[1] - by];

/** The perceived image and its gap with the intended one (null: none declared). */
export function perceivedImage(data: FieldAuthors, intended: readonly IntendedField[] | null, options: { lang: ImageLang; seed: number }): Perceived {
  const byName = new Map(data.fields.map((s) => [s.field, s]));
  // Intended fields nobody mentioned still get their row (all zero): they are the missing ones.
  const stats: FieldAuthorStat[] = [...data.fields];
  for (const f of intended ?? []) {
    if (!byName.has(f.field)) stats.push({ field: f.field, mentions: 0, authors: 0, tonedAuthors: 0, toneSum: 0, tones: [] });
  }
  const units = stats.reduce((s, f) => s + f.authors, 0);
  const random = seededRandom(options.seed);
  const boot = resample(stats, random, RESAMPLES);
  const wanted = new Map((intended ?? []).map((f) => [f.field, f]));

  const fields: FieldImage[] = stats.map((s, f) => {
    const share = units > 0 ? s.authors / units : 0;
    const shareCi = wilson(s.authors, units);
    const tone = s.tonedAuthors > 0 ? s.toneSum / s.tonedAuthors : null;
    let toneCi: Interval | null = null;
    if (tone !== null) {
      const ci = percentileInterval(boot.tones.map((t) => t[f]!));
      // The resamples read binned tones: move their interval by the binning's offset of the mean.
      const binned = s.tones.reduce((sum, [bin, k]) => sum + k * binTone(bin), 0) / s.tonedAuthors;
      if (ci !== null) toneCi = shift(ci, binned - tone).map((v) => Math.max(-1, Math.min(1, v))) as Interval;
    }
    const row: Omit<FieldImage, 'status'> = {
      field: s.field,
      label: fieldLabel(s.field, options.lang),
      mentions: s.mentions,
      uniqueAuthors: s.authors,
      share,
      shareCi,
      tone,
      toneCi,
      query: `field:${s.field}`,
    };
    if (intended !== null) {
      const w = wanted.get(s.field);
      row.intendedShare = w?.share ?? 0;
      row.shareGap = share - row.intendedShare;
      row.shareGapCi = shift(shareCi, row.intendedShare);
      if (w?.tone !== undefined) {
        row.intendedTone = w.tone;
        if (tone !== null && toneCi !== null) {
          row.toneGap = tone - w.tone;
          row.toneGapCi = shift(toneCi, w.tone);
        }
      }
    }
    return { ...row, status: statusOf(row, intended !== null) };
  });

  const out: Perceived = {
    fields: fields.sort((a, b) => (b.intendedShare ?? 0) + b.share - ((a.intendedShare ?? 0) + a.share) || (a.field < b.field ? -1 : 1)),
    inverted: fields.filter((f) => f.status === 'inverted').map((f) => f.field),
    missing: fields.filter((f) => f.status === 'missing').map((f) => f.field),
    units,
  };
  if (intended !== null && units > 0) {
    const names = stats.map((s) => s.field);
    const q = names.map((n) => wanted.get(n)?.share ?? 0);
    const qTone = names.map((n) => wanted.get(n)?.tone ?? 0);
    const point = congruenceOf(q, qTone, stats.map((s) => s.authors), fields.length === 0 ? [] : stats.map((s) => (s.tonedAuthors > 0 ? s.toneSum / s.tonedAuthors : NaN)));
    const scores: number[] = [];
    const weighted: number[] = [];
    for (let b = 0; b < RESAMPLES; b++) {
      const c = congruenceOf(q, qTone, [...boot.counts[b]!], [...boot.tones[b]!]);
      scores.push(c.score);
      weighted.push(c.toneWeighted);
    }
    // The percentile interval, widened to hold the score itself (resampling only adds noise, so a
    // perfect match's resamples all fall a little short of it).
    const widen = (ci: Interval | null, value: number): Interval => (ci === null ? [value, value] : [Math.min(ci[0], value), Math.max(ci[1], value)]);
    out.congruence = {
      score: point.score,
      ci: widen(percentileInterval(scores), point.score),
      toneWeighted: point.toneWeighted,
      toneWeightedCi: widen(percentileInterval(weighted), point.toneWeighted),
    };
  }
  return out;
}

/** Drift of each field against the previous period's image; significant when the change exceeds its interval. */
export function addDrift(current: FieldImage[], previous: readonly FieldImage[]): void {
  const before = new Map(previous.map((f) => [f.field, f]));
  for (const f of current) {
    const p = before.get(f.field);
    const prevShare = p?.share ?? 0;
    const prevShareCi = p?.shareCi ?? [0, 0];
    const share = f.share - prevShare;
    const shareMargin = Math.hypot(halfWidth(f.shareCi), halfWidth(prevShareCi));
    let tone: number | null = null;
    let toneSignificant = false;
    if (f.tone !== null && p !== undefined && p.tone !== null) {
      tone = f.tone - p.tone;
      if (f.toneCi !== null && p.toneCi !== null) toneSignificant = Math.abs(tone) > Math.hypot(halfWidth(f.toneCi), halfWidth(p.toneCi));
    }
    f.drift = { share, tone, significant: Math.abs(share) > shareMargin || toneSignificant };
  }
}
