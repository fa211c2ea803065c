// One window of one series (brand, query, window length): the mentions counted in it, each id once
// and near-duplicates not at all, folded per author so that one person posting 50 times weighs as
// one voice in the tone metrics; what the explanation needs (fields, terms, sources, languages and a
// bounded, order-independent sample of mentions) rides along.
import type { AnalyzedMention } from '../core/types.js';
import { mentionBody } from '../core/mention-text.js';
import type { MentionSignal } from '../store/types.js';
import { hash32 } from './stats.js';

/** A mention counts at most this many times in volume and velocity: a flood from one account is not a crowd. */
export const MAX_PER_AUTHOR = 3;
/** Terms kept per closed window (by mentions holding them), for the keyness of later alerts. */
const TERMS_KEPT = 300;
const SAMPLE = 60;
const WORST = 40;

export interface WindowStats {
  start: number;
  /** Mentions counted (each id once, near-duplicates left out). */
  mentions: number;
  /** Mentions with each author counted at most MAX_PER_AUTHOR times (volume, velocity). */
  cappedMentions: number;
  authors: number;
  /** Authors whose mentions in the window are mostly negative. */
  negativeAuthors: number;
  /** Sum over authors of each author's mean tone, and of its square. */
  toneSum: number;
  toneSquares: number;
}

export const emptyStats = (start: number): WindowStats => ({ start, mentions: 0, cappedMentions: 0, authors: 0, negativeAuthors: 0, toneSum: 0, toneSquares: 0 });

interface AuthorTally {
  mentions: number;
  negative: number;
  scoreSum: number;
}

export class WindowAccumulator {
  readonly start: number;
  readonly ids = new Set<string>();
  private readonly authors = new Map<string, AuthorTally>();
  private stats: WindowStats | undefined;
  readonly fields = new Map<string, number>();
  terms = new Map<string, number>();
  readonly labels = new Map<string, string>();
  readonly sources = new Map<string, number>();
  readonly languages = new Map<string, number>();
  /** Bottom-k by hash of the id (the same sample whatever the arrival order), and the most negative. */
  private sample: MentionSignal[] = [];
  private sampleHashes: number[] = [];
  private worst: MentionSignal[] = [];
  /** Ids and author tallies were dropped (the window is too old for late mentions). */
  compacted = false;
  /**
   * Counts only what the window's metrics read (ids, authors, tones): no fields, terms, sources,
   * languages or examples. The backtest's first pass (backtest.ts) explains the few windows that
   * fire afterwards from full windows of their own.
   */
  readonly statsOnly: boolean;

  constructor(start: number, statsOnly = false) {
    this.start = start;
    this.statsOnly = statsOnly;
  }

  /** Counts the signal; false when its id was counted already (a replay) or it is a near-duplicate. */
  add(s: MentionSignal): boolean {
    if (this.compacted || this.ids.has(s.id)) return false;
    this.ids.add(s.id);
    if (s.duplicateOf !== undefined) return false;
    this.stats = undefined;
    const tally = this.authors.get(s.authorKey) ?? { mentions: 0, negative: 0, scoreSum: 0 };
    tally.mentions++;
    if (s.label === 'negative') tally.negative++;
    tally.scoreSum += s.score;
    this.authors.set(s.authorKey, tally);
    if (this.statsOnly) return true;
    for (const f of s.fields) bump(this.fields, f);
    for (const t of s.terms) bump(this.terms, t);
    if (s.labels) for (const [t, l] of Object.entries(s.labels)) if (!this.labels.has(t)) this.labels.set(t, l);
    bump(this.sources, s.source);
    bump(this.languages, s.lang);
    this.keepSample(s);
    return true;
  }

  summary(): WindowStats {
    if (this.stats) return this.stats;
    const s = emptyStats(this.start);
    for (const tally of this.authors.values()) {
      s.mentions += tally.mentions;
      s.cappedMentions += Math.min(tally.mentions, MAX_PER_AUTHOR);
      s.authors++;
      if (tally.negative * 2 > tally.mentions) s.negativeAuthors++;
      const mean = tally.scoreSum / tally.mentions;
      s.toneSum += mean;
      s.toneSquares += mean * mean;
    }
    this.stats = s;
    return s;
  }

  /** Mentions kept as candidates for an alert's examples. */
  candidates(): MentionSignal[] {
    const seen = new Set<string>();
    return [...this.worst, ...this.sample].filter((s) => !seen.has(s.id) && seen.add(s.id));
  }

  /** Drops what only late mentions need (ids, authors) and cuts the terms: a closed window kept for baselines. */
  compact(): void {
    if (this.compacted) return;
    this.summary();
    this.compacted = true;
    this.ids.clear();
    this.authors.clear();
    this.sample = [];
    this.sampleHashes = [];
    this.worst = [];
    if (this.terms.size > TERMS_KEPT) this.terms = new Map([...this.terms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TERMS_KEPT));
  }

  private keepSample(s: MentionSignal): void {
    const h = hash32(s.id);
    const hashes = this.sampleHashes;
    if (this.sample.length < SAMPLE || h < hashes[hashes.length - 1]!) {
      const at = insertionPoint(hashes.length, (k) => hashes[k]! > h);
      hashes.splice(at, 0, h);
      this.sample.splice(at, 0, s);
      if (this.sample.length > SAMPLE) {
        this.sample.pop();
        hashes.pop();
      }
    }
    const worse = (a: MentionSignal, b: MentionSignal) => a.score < b.score || (a.score === b.score && a.id < b.id);
    const last = this.worst[this.worst.length - 1];
    if (this.worst.length < WORST || (last && worse(s, last))) {
      const at = insertionPoint(this.worst.length, (k) => worse(s, this.worst[k]!));
      this.worst.splice(at, 0, s);
      if (this.worst.length > WORST) this.worst.pop();
    }
  }
}

/** First index k in 0..n where `after(k)` holds (it holds for every later k too). */
function insertionPoint(n: number, after: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The signal of an analyzed mention (what scanSignals gives for a stored one). */
export function signalOfMention(m: AnalyzedMention): MentionSignal {
  const labels = m.analysis.labels ? Object.entries(m.analysis.labels).filter(([t, l]) => l !== t) : [];
  return {
    id: m.id,
    publishedMs: Date.parse(m.publishedAt),
    authorKey: m.authorKey,
    score: m.analysis.sentiment.score,
    label: m.analysis.sentiment.label,
    lang: m.analysis.lang,
    source: m.source,
    fields: Object.entries(m.analysis.fields ?? {})
      .filter(([, hit]) => (hit?.hits ?? 0) > 0)
      .map(([name]) => name),
    terms: Object.keys(m.analysis.terms ?? {}),
    ...(labels.length > 0 && { labels: Object.fromEntries(labels) }),
    ...(m.duplicateOf !== undefined && { duplicateOf: m.duplicateOf }),
    text: mentionBody({ text: m.text, ...(m.title !== undefined && { title: m.title }) }).slice(0, 300),
    ...(m.url !== undefined && { url: m.url }),
  };
}
