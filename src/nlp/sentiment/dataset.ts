// Labelled sentiment data (`{"text", "label"}` one JSON object a line) and the figures computed on
// it. Shared by the training and evaluation scripts and by `ecoute sentiment calibrate`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Lang } from '../../core/types.js';
import { packageRoot } from '../resources.js';

export type Polarity = 'negative' | 'neutral' | 'positive';
export const POLARITIES: readonly Polarity[] = ['negative', 'neutral', 'positive'];

export interface Example {
  text: string;
  label: Polarity;
}

export interface LabelledSet {
  /** File name without extension: "uci_amazon", "umsab_fr_val". */
  name: string;
  /** From the folder the file sits in (en/, fr/). */
  lang: Lang;
  file: string;
  examples: Example[];
  /** No neutral label: scored by accuracy on the sign of the score. */
  binary: boolean;
  /** A `*_train` set: the model learns from it, so no écoute figure is reported on it. */
  train: boolean;
}

/** Labels the files may use, and the spellings a team's label file may use for them. */
const LABEL_ALIASES: Record<string, Polarity> = {
  negative: 'negative', neg: 'negative', '-1': 'negative', '-': 'negative', négatif: 'negative', negatif: 'negative',
  neutral: 'neutral', neu: 'neutral', '0': 'neutral', neutre: 'neutral',
  positive: 'positive', pos: 'positive', '1': 'positive', '+': 'positive', positif: 'positive',
};

/** Normalizes a label ("Positive", "pos", 1, "négatif") or returns undefined. */
export function parseLabel(value: unknown): Polarity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return LABEL_ALIASES[String(value).trim().toLowerCase()];
}

export class LabelFileError extends Error {}

/**
 * Reads a JSONL label file. Every bad line is reported, each naming its line number; blank lines
 * are skipped. Throws a LabelFileError listing the problems (at most 20) when there is any.
 */
export function readLabelled(file: string, options: { maxErrors?: number } = {}): Example[] {
  const text = readFileSync(file, 'utf8');
  return parseLabelled(text, file, options);
}

export function parseLabelled(text: string, origin: string, options: { maxErrors?: number } = {}): Example[] {
  const maxErrors = options.maxErrors ?? 20;
  const out: Example[] = [];
  const problems: string[] = [];
  let bad = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const problem = (message: string): void => {
      bad++;
      if (problems.length < maxErrors) problems.push(`${origin}:${i + 1}: ${message}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problem(`not JSON (${(error as Error).message})`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problem('must be a JSON object such as {"text": "...", "label": "positive"}');
      continue;
    }
    const { text: t, label } = value as Record<string, unknown>;
    if (typeof t !== 'string') {
      problem('"text": required, a string');
      continue;
    }
    const polarity = parseLabel(label);
    if (polarity === undefined) {
      problem(`"label": must be negative, neutral or positive, got ${JSON.stringify(label) ?? 'nothing'}`);
      continue;
    }
    out.push({ text: t, label: polarity });
  }
  if (bad > 0) {
    const more = bad > problems.length ? `\n  ... and ${bad - problems.length} more bad line${bad - problems.length > 1 ? 's' : ''}` : '';
    throw new LabelFileError(`${bad} bad line${bad > 1 ? 's' : ''} in ${origin}:\n  ${problems.join('\n  ')}${more}`);
  }
  return out;
}

/** Where the shared labelled data lives: $ECOUTE_SENTIMENT_DATA, else ../shared/data/sentiment beside the repo. */
export function sentimentDataDir(): string {
  const env = process.env.ECOUTE_SENTIMENT_DATA;
  if (env !== undefined && env !== '') return resolve(env);
  return resolve(packageRoot(), '..', 'shared', 'data', 'sentiment');
}

/** Every `<lang>/<name>.jsonl` under `dir`, sorted by language then name. */
export function listSets(dir: string = sentimentDataDir()): LabelledSet[] {
  if (!existsSync(dir)) throw new Error(`no labelled data at ${dir} (set ECOUTE_SENTIMENT_DATA)`);
  const sets: LabelledSet[] = [];
  for (const lang of readdirSync(dir).sort()) {
    const sub = join(dir, lang);
    if (!statSync(sub).isDirectory()) continue;
    const l: Lang = lang === 'en' || lang === 'fr' ? lang : 'other';
    for (const f of readdirSync(sub).sort()) {
      if (!f.endsWith('.jsonl')) continue;
      // `<name>_aspects.jsonl` holds the tone toward each target of a text ({text, aspects[]}), not
      // one label per text: it is for target-level tone, not for these document-level sets.
      if (f.endsWith('_aspects.jsonl')) continue;
      const file = join(sub, f);
      const examples = readLabelled(file);
      const name = basename(f, '.jsonl');
      sets.push({ name, lang: l, file, examples, binary: !examples.some((e) => e.label === 'neutral'), train: /_train$/.test(name) });
    }
  }
  return sets;
}

// --- figures ----------------------------------------------------------------------------------

/** Share of predictions equal to the gold label. */
export function accuracy(gold: readonly Polarity[], predicted: readonly (Polarity | undefined)[]): number {
  if (gold.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) ok++;
  return ok / gold.length;
}

/** Macro-averaged F1 over the classes present in the gold labels. */
export function macroF1(gold: readonly Polarity[], predicted: readonly (Polarity | undefined)[]): number {
  const classes = POLARITIES.filter((c) => gold.includes(c));
  if (classes.length === 0) return 0;
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const p = predicted[i] === c;
      const g = gold[i] === c;
      if (p && g) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.length;
}

/** Binary decision by the sign of a score; 0 (no opinion) is never right. */
export function bySign(score: number): Polarity | undefined {
  return score > 0 ? 'positive' : score < 0 ? 'negative' : undefined;
}
