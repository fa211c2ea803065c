// Per-brand calibration: a small logistic layer fitted on a team's own labels, on top of the
// shipped model. The model's three class scores z (negative, neutral, positive) become
//   z' = z + A·ẑ + b
// where ẑ is z centred, A a 3×3 matrix and b a bias per class, both fitted by L2-regularized
// softmax regression toward "no change" (A = 0, b = 0): a few dozen labels shift the balance
// between the classes (what this team calls neutral, how negative their customers write), a few
// hundred can also re-weigh the model's confidence. Fitted by `ecoute sentiment calibrate`,
// stored as data_dir/calibration/<brand>.json, applied by analyze() when a mention is about that
// brand alone.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from '../../core/private-files.js';
import { join } from 'node:path';
import type { Lang } from '../../core/types.js';
import { accuracy, POLARITIES, type Example, type Polarity } from './dataset.js';
import { trainSoftmax } from './logreg.js';
import { EcouteError } from '../../core/errors.js';

export const CALIBRATION_FORMAT = 'ecoute-calibration/1';

export interface Calibration {
  format: typeof CALIBRATION_FORMAT;
  brand: string;
  /** A[k][j]: weight of the model's centred score of class j on the class k. */
  matrix: number[][];
  bias: number[];
  /** How it was fitted and what it changed, for `cat` and for the record. */
  fitted?: { examples: number; heldOut: number; accuracyBefore: number; accuracyAfter: number; l2: number };
}

/** Class scores after calibration. Pure; unknown shapes leave the scores unchanged. */
export function applyCalibration(c: Calibration, z: readonly [number, number, number], _lang?: Lang): [number, number, number] {
  const m = (z[0] + z[1] + z[2]) / 3;
  const zc = [z[0] - m, z[1] - m, z[2] - m];
  const out: [number, number, number] = [z[0], z[1], z[2]];
  for (let k = 0; k < 3; k++) {
    const row = c.matrix[k];
    let v = c.bias[k] ?? 0;
    if (row !== undefined) for (let j = 0; j < 3; j++) v += (row[j] ?? 0) * zc[j]!;
    if (Number.isFinite(v)) out[k] = out[k]! + v;
  }
  return out;
}

/** What the fit needs of one labelled text: the uncalibrated model scores. */
export interface CalibrationInput {
  logits: readonly [number, number, number];
  label: Polarity;
}

/** Fits a calibration (L2 pulls toward no change; the default suits 20 to 2,000 labels). */
export function fitCalibration(brand: string, inputs: readonly CalibrationInput[], l2 = 0.02): Calibration {
  const rows = inputs.map((x) => {
    const m = (x.logits[0] + x.logits[1] + x.logits[2]) / 3;
    return { idx: Int32Array.from([0, 1, 2]), val: Float64Array.from([x.logits[0] - m, x.logits[1] - m, x.logits[2] - m]) };
  });
  // Each class weighs the same in total, so a team that labels mostly one class does not teach
  // the layer that everything is that class.
  const counts = [0, 0, 0];
  const labels = inputs.map((x) => POLARITIES.indexOf(x.label));
  for (const y of labels) counts[y]!++;
  const present = counts.filter((c) => c > 0).length;
  const weights = Float64Array.from(labels.map((y) => inputs.length / (present * counts[y]!)));
  const W = trainSoftmax(rows, labels, 3, 3, { l2, weights, offsets: inputs.map((x) => x.logits), maxIter: 200 });
  // W is feature-major (W[j*3 + k]); the matrix is class-major.
  const matrix = [0, 1, 2].map((k) => [0, 1, 2].map((j) => round(W[j * 3 + k]!)));
  const bias = [0, 1, 2].map((k) => round(W[9 + k]!));
  return { format: CALIBRATION_FORMAT, brand, matrix, bias };
}

function round(x: number): number {
  const r = Math.round(x * 1e5) / 1e5;
  return r === 0 ? 0 : r;
}

export function predictLabel(z: readonly [number, number, number]): Polarity {
  const best = Math.max(z[0], z[1], z[2]);
  return POLARITIES[z.indexOf(best)]!;
}

/**
 * The deterministic split of `ecoute sentiment calibrate`: every fifth labelled line (the 5th,
 * 10th, ...) is held out, so labels sorted by class or by date are spread over both parts.
 */
export function splitHeldOut<T>(items: readonly T[]): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  items.forEach((x, i) => (i % 5 === 4 ? heldOut : train).push(x));
  return { train, heldOut };
}

export interface CalibrationReport {
  calibration: Calibration;
  examples: number;
  heldOut: number;
  accuracyBefore: number;
  accuracyAfter: number;
}

/**
 * Fits on four fifths, measures accuracy before and after on the held-out fifth, then fits the
 * stored calibration on all the labels. `score` gives the uncalibrated model scores of a text.
 */
export function calibrate(brand: string, examples: readonly Example[], score: (text: string) => [number, number, number] | undefined, l2 = 0.02): CalibrationReport {
  const inputs: (CalibrationInput & { i: number })[] = [];
  examples.forEach((e, i) => {
    const logits = score(e.text);
    if (logits !== undefined) inputs.push({ logits, label: e.label, i });
  });
  const { train, heldOut } = splitHeldOut(inputs);
  const partial = fitCalibration(brand, train, l2);
  const gold = heldOut.map((x) => x.label);
  const before = accuracy(gold, heldOut.map((x) => predictLabel(x.logits)));
  const after = accuracy(gold, heldOut.map((x) => predictLabel(applyCalibration(partial, x.logits))));
  const calibration = fitCalibration(brand, inputs, l2);
  calibration.fitted = { examples: inputs.length, heldOut: heldOut.length, accuracyBefore: round(before), accuracyAfter: round(after), l2 };
  return { calibration, examples: inputs.length, heldOut: heldOut.length, accuracyBefore: before, accuracyAfter: after };
}

// --- storage ------------------------------------------------------------------------------------

const BRAND_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export function calibrationFile(dataDir: string, brand: string): string {
  if (!BRAND_ID.test(brand) || brand.includes('..')) throw new EcouteError('CALIBRATION_INVALID', `brand id "${brand}" cannot name a calibration file`);
  return join(dataDir, 'calibration', `${brand}.json`);
}

export function saveCalibration(dataDir: string, c: Calibration): string {
  const file = calibrationFile(dataDir, c.brand);
  ensurePrivateDir(join(dataDir, 'calibration'));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`);
  renameSync(tmp, file); // readers never see half a file
  return file;
}

/** Checks the shape of a stored calibration; throws naming what is wrong. */
export function parseCalibration(value: unknown, origin: string): Calibration {
  const c = value as Partial<Calibration> | null;
  const finite3 = (a: unknown): a is number[] => Array.isArray(a) && a.length === 3 && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (c === null || typeof c !== 'object') throw new EcouteError('CALIBRATION_INVALID', `${origin}: not a calibration object`);
  if (c.format !== CALIBRATION_FORMAT) throw new EcouteError('CALIBRATION_INVALID', `${origin}: format ${String(c.format)}, expected ${CALIBRATION_FORMAT}`);
  if (typeof c.brand !== 'string') throw new EcouteError('CALIBRATION_INVALID', `${origin}: brand: required`);
  if (!Array.isArray(c.matrix) || c.matrix.length !== 3 || !c.matrix.every(finite3)) throw new EcouteError('CALIBRATION_INVALID', `${origin}: matrix: must be 3×3 numbers`);
  if (!finite3(c.bias)) throw new EcouteError('CALIBRATION_INVALID', `${origin}: bias: must be 3 numbers`);
  return c as Calibration;
}

export function loadCalibration(dataDir: string, brand: string): Calibration | undefined {
  const file = calibrationFile(dataDir, brand);
  if (!existsSync(file)) return undefined;
  return parseCalibration(JSON.parse(readFileSync(file, 'utf8')), file);
}

/**
 * The calibrations under data_dir/calibration/, for the analyze stage: read on first use and
 * re-read when a file changes (checked at most every `recheckMs`), so a calibration made while
 * the pipeline runs is used from then on. A broken file is reported once and ignored.
 */
export class CalibrationStore {
  private cache = new Map<string, { mtimeMs: number; calibration: Calibration | undefined }>();
  private checkedAt = 0;

  constructor(
    readonly dataDir: string,
    private readonly recheckMs = 5000,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  get(brand: string): Calibration | undefined {
    const now = Date.now();
    if (now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      this.refresh();
    }
    return this.cache.get(brand)?.calibration;
  }

  private refresh(): void {
    const dir = join(this.dataDir, 'calibration');
    let names: string[];
    try {
      names = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    } catch {
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const brand = name.slice(0, -'.json'.length);
      seen.add(brand);
      const file = join(dir, name);
      try {
        const mtimeMs = statSync(file).mtimeMs;
        if (this.cache.get(brand)?.mtimeMs === mtimeMs) continue;
        let calibration: Calibration | undefined;
        try {
          calibration = parseCalibration(JSON.parse(readFileSync(file, 'utf8')), file);
        } catch (error) {
          this.onError(`ignoring calibration ${file}: ${(error as Error).message}`);
        }
        this.cache.set(brand, { mtimeMs, calibration });
      } catch {
        // vanished between readdir and stat
      }
    }
    for (const brand of [...this.cache.keys()]) if (!seen.has(brand)) this.cache.delete(brand);
  }
}
