// What both stores share for fieldAuthors (the perceived image, issue 13): the fold from
// per-(field, author) rows to FieldAuthors, so the embedded and Elasticsearch stores bin and sum
// the same rows the same way and give the same numbers.
import { TONE_BIN_WIDTH, type FieldAuthors, type FieldAuthorStat } from './types.js';

/** One author's mentions holding one field: how many, and the mean of their tones (null: none toned). */
export interface AuthorFieldRow {
  field: string;
  mentions: number;
  tone: number | null;
}

/** The histogram bin of a mean tone (0..200). */
export function toneBin(tone: number): number {
  const clamped = Math.max(-1, Math.min(1, tone));
  return Math.round((clamped + 1) / TONE_BIN_WIDTH);
}

/** Folds per-(field, author) rows into per-field stats. */
export class FieldAuthorsFold {
  private readonly byField = new Map<string, { mentions: number; authors: number; toned: number; toneSum: number; bins: Map<number, number> }>();

  add(row: AuthorFieldRow): void {
    let f = this.byField.get(row.field);
    if (f === undefined) this.byField.set(row.field, (f = { mentions: 0, authors: 0, toned: 0, toneSum: 0, bins: new Map() }));
    f.mentions += row.mentions;
    f.authors++;
    if (row.tone !== null && Number.isFinite(row.tone)) {
      f.toned++;
      f.toneSum += row.tone;
      const bin = toneBin(row.tone);
      f.bins.set(bin, (f.bins.get(bin) ?? 0) + 1);
    }
  }

  result(mentions: number, authors: number): FieldAuthors {
    const fields: FieldAuthorStat[] = [...this.byField].map(([field, f]) => ({
      field,
      mentions: f.mentions,
      authors: f.authors,
      tonedAuthors: f.toned,
      toneSum: f.toneSum,
      tones: [...f.bins].sort((a, b) => a[0] - b[0]),
    }));
    fields.sort((a, b) => b.authors - a.authors || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
    return { mentions, authors, fields };
  }
}
