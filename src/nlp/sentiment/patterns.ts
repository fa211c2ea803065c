// Patterns of reviews that carry tone without a sentiment word: a mark given in the text
// ("1/10", "2 out of 5", "0 étoiles") and a wait that is told as a complaint ("we waited 40
// minutes", "j'attends depuis 3 semaines"). Both are read on tokens by the rules.
import type { Lang } from '../../core/types.js';
import type { Token } from '../tokenize.js';

/** Scales a mark can be out of; others ("24/7", "50/50", "1/2 price", dates) are not marks. */
const SCALES = new Set([5, 10, 20, 100]);
const DATE_BEFORE = new Set(['le', 'du', 'au', 'dès', 'depuis', 'jusqu', "jusqu'", 'on', 'since', 'until', 'till', 'by', 'from', 'date', 'the']);
const STAR_WORDS = new Set(['star', 'stars', 'étoile', 'étoiles', 'etoile', 'etoiles']);
/** A mark at the top of its scale is worth a strong word ("excellent"); at the bottom, "awful". */
const MARK_VALENCE = 3;

export interface Match {
  value: number;
  /** Index after the last token of the match. */
  end: number;
}

/** "7", "7.5", "7,5" (French decimal comma). */
function parseNumber(text: string): number | undefined {
  const n = Number(text.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

function numberValue(t: Token | undefined): number | undefined {
  return t === undefined || t.kind !== 'number' ? undefined : parseNumber(t.text);
}

function mark(n: number, scale: number, end: number): Match | undefined {
  if (!SCALES.has(scale) || n < 0 || n > scale) return undefined;
  return { value: (n / scale - 0.5) * 2 * MARK_VALENCE, end };
}

/**
 * A mark starting at number token `i`: "7/10", "7 / 10", "2 out of 5", "4 sur 5", "5 stars",
 * "0 étoiles" (stars are out of 5).
 */
export function markAt(tokens: readonly Token[], i: number): Match | undefined {
  const t = tokens[i]!;
  const before = tokens[i - 1];
  // Part of a longer run of numbers ("12/10/2024", "1/2/3") is not a mark, nor is a date
  // ("le 02/10", "on 5/10").
  if (before !== undefined && (before.text === '/' || DATE_BEFORE.has(before.lower))) return undefined;
  if (/^0\d/.test(t.text)) return undefined;
  const slash = /^(\d+(?:[.,]\d+)?)\/(\d+)$/.exec(t.text);
  if (slash !== null) {
    const after = tokens[i + 1];
    if (after !== undefined && after.text === '/') return undefined;
    return mark(parseNumber(slash[1]!)!, Number(slash[2]), i + 1);
  }
  const n = numberValue(t);
  if (n === undefined) return undefined;
  const next = tokens[i + 1];
  if (next === undefined) return undefined;
  if (next.text === '/' || next.lower === 'sur') {
    const scale = numberValue(tokens[i + 2]);
    const after = tokens[i + 3];
    if (scale === undefined || (after !== undefined && after.text === '/')) return undefined;
    return mark(n, scale, i + 3);
  }
  if (next.lower === 'out' && tokens[i + 2]?.lower === 'of') {
    const scale = numberValue(tokens[i + 3]);
    return scale === undefined ? undefined : mark(n, scale, i + 4);
  }
  if (STAR_WORDS.has(next.lower)) return mark(Math.min(n, 5), 5, i + 2);
  return undefined;
}

const WAIT_WORDS: Record<'en' | 'fr', Set<string>> = {
  // Not the bare "wait": "I'll wait a few days" and "can't wait 2 weeks" are no complaint.
  en: new Set(['waited', 'waiting', 'took']),
  fr: new Set(['attendu', 'attendue', 'attendus', 'attendre', 'attends', 'attend', 'attendons', 'attendez', 'attente', 'poireauté', 'poireauter', 'patienté']),
};
const TIME_UNITS = new Set([
  'minute', 'minutes', 'min', 'mins', 'hour', 'hours', 'hr', 'hrs', 'day', 'days', 'week', 'weeks', 'month', 'months',
  'heure', 'heures', 'h', 'jour', 'jours', 'semaine', 'semaines', 'mois',
]);
/** Long by themselves: "waited forever", "attendu des plombes". */
const LONG_TIMES = new Set(['forever', 'ages', 'plombes', 'éternité']);
/** What measures a time unit: "an hour", "une heure", "several days" (numbers aside). */
const MEASURES = new Set(['a', 'an', 'un', 'une', 'several', 'plusieurs']);
/** A short wait is no complaint: "only took 5 minutes", "en moins de 2 jours". */
const SHORT = new Set(['only', 'just', 'less', 'under', 'within', 'quickly', 'seulement', 'que', 'moins', 'peine']);
const WAIT_VALENCE = -1.6;
const WAIT_REACH = 5;

/** "waited 40 minutes", "took over an hour", "attendu 3 semaines": a wait told at word `i`. */
export function waitAt(tokens: readonly Token[], i: number, lang: Lang): Match | undefined {
  if (lang !== 'en' && lang !== 'fr') return undefined;
  if (!WAIT_WORDS[lang].has(tokens[i]!.lower)) return undefined;
  const before = tokens[i - 1];
  if (before !== undefined && SHORT.has(before.lower)) return undefined;
  const last = Math.min(tokens.length, i + 1 + WAIT_REACH);
  let measured = false;
  for (let k = i + 1; k < last; k++) {
    const u = tokens[k]!;
    if (u.kind === 'punct') return undefined;
    if (SHORT.has(u.lower)) return undefined;
    if (u.kind === 'number' || MEASURES.has(u.lower)) measured = true;
    // A plural unit is long enough without a number: "waited hours".
    if (LONG_TIMES.has(u.lower) || (TIME_UNITS.has(u.lower) && (measured || u.lower.endsWith('s')))) {
      return { value: WAIT_VALENCE, end: k + 1 };
    }
  }
  return undefined;
}
