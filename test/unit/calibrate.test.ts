// Per-brand sentiment calibration: the fit, its storage, how analyze() and the analyze stage use
// it, and the label file's errors. Behaviour only.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, readText } from '../../src/nlp/analyze.js';
import { modelScores } from '../../src/nlp/sentiment.js';
import {
  applyCalibration, calibrate, CalibrationStore, fitCalibration, loadCalibration, saveCalibration, splitHeldOut,
  type Calibration,
} from '../../src/nlp/sentiment/calibration.js';
import { LabelFileError, parseLabelled, type Example } from '../../src/nlp/sentiment/dataset.js';
import { buildProgram } from '../../src/cli/main.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecoute-calibrate-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const scores = (text: string) => {
  const { lang, tokens } = readText(text);
  return modelScores(tokens, lang);
};

// A team for which every mention of a mere fact ("the parcel arrived") is good news: the shipped
// model calls those neutral; the team's labels say positive.
const facts = ['The parcel arrived today', 'Le colis est arrivé ce matin', 'Order delivered on Tuesday', 'Commande livrée mardi',
  'The package came in the mail', 'Reçu le colis hier', 'My order showed up', 'La commande est arrivée', 'Delivery done this morning', 'Livraison effectuée ce matin'];
const teamLabels: Example[] = [];
for (let i = 0; i < 6; i++) {
  for (const f of facts) teamLabels.push({ text: `${f} (${i})`, label: 'positive' });
  teamLabels.push({ text: `Broken on arrival, awful (${i})`, label: 'negative' });
  teamLabels.push({ text: `Colis abîmé, très déçu (${i})`, label: 'negative' });
  teamLabels.push({ text: `Great service, love it (${i})`, label: 'positive' });
}

describe('calibration', () => {
  it('an identity calibration changes nothing', () => {
    const id: Calibration = { format: 'ecoute-calibration/1', brand: 'x', matrix: [[0, 0, 0], [0, 0, 0], [0, 0, 0]], bias: [0, 0, 0] };
    expect(applyCalibration(id, [1, -2, 0.5])).toEqual([1, -2, 0.5]);
  });

  it('holds out every fifth label, deterministically', () => {
    const { train, heldOut } = splitHeldOut([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(heldOut).toEqual([4, 9]);
    expect(train).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
  });

  it('learns what a team calls positive, and measures it on labels it did not fit', () => {
    const report = calibrate('acme', teamLabels, scores);
    expect(report.examples).toBe(teamLabels.length);
    expect(report.heldOut).toBe(Math.floor(teamLabels.length / 5));
    expect(report.accuracyAfter).toBeGreaterThan(report.accuracyBefore);
    expect(report.accuracyAfter).toBeGreaterThan(0.9);
    // and analyze() uses it
    const text = 'The parcel arrived yesterday';
    expect(analyze(text, { lang: 'en' }).sentiment.label).toBe('neutral');
    expect(analyze(text, { lang: 'en', calibration: report.calibration }).sentiment.label).toBe('positive');
    expect(analyze(text, { lang: 'en', calibration: () => report.calibration }).sentiment.label).toBe('positive');
    // clear opinions keep their sign
    expect(analyze('Awful, it broke', { lang: 'en', calibration: report.calibration }).sentiment.label).toBe('negative');
  });

  it('is deterministic', () => {
    const inputs = teamLabels.map((e) => ({ logits: scores(e.text)!, label: e.label }));
    expect(fitCalibration('acme', inputs)).toEqual(fitCalibration('acme', inputs));
  });

  it('is stored under data_dir/calibration/<brand>.json and read back', () => {
    const dir = tempDir();
    const c = calibrate('acme', teamLabels, scores).calibration;
    const file = saveCalibration(dir, c);
    expect(file).toBe(join(dir, 'calibration', 'acme.json'));
    expect(loadCalibration(dir, 'acme')).toEqual(c);
    expect(loadCalibration(dir, 'other')).toBeUndefined();
    expect(() => saveCalibration(dir, { ...c, brand: '../evil' })).toThrow(/cannot name a calibration file/);
  });

  it('the stage store picks up a new or changed file, and ignores a broken one', () => {
    const dir = tempDir();
    const errors: string[] = [];
    const store = new CalibrationStore(dir, 0, (m) => errors.push(m));
    expect(store.get('acme')).toBeUndefined();
    const c = calibrate('acme', teamLabels, scores).calibration;
    saveCalibration(dir, c);
    expect(store.get('acme')).toEqual(c);
    const file = join(dir, 'calibration', 'globex.json');
    writeFileSync(file, '{"format": "nope"}');
    expect(store.get('globex')).toBeUndefined();
    expect(errors.join('\n')).toMatch(/globex\.json.*format/);
    writeFileSync(file, readFileSync(join(dir, 'calibration', 'acme.json'), 'utf8').replace('"acme"', '"globex"'));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(store.get('globex')?.brand).toBe('globex');
  });
});

describe('label files', () => {
  it('accepts label spellings and skips blank lines', () => {
    const ex = parseLabelled('{"text":"a","label":"Positive"}\n\n{"text":"b","label":"neg"}\r\n{"text":"c","label":"neutre"}\n', 'f');
    expect(ex.map((e) => e.label)).toEqual(['positive', 'negative', 'neutral']);
  });

  it('names every bad line', () => {
    const text = ['{"text":"ok","label":"positive"}', 'not json', '{"text":"x","label":"great"}', '{"label":"positive"}', '[1,2]'].join('\n');
    let error: unknown;
    try {
      parseLabelled(text, 'labels.jsonl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LabelFileError);
    const message = (error as Error).message;
    expect(message).toMatch(/^4 bad lines in labels\.jsonl/);
    expect(message).toContain('labels.jsonl:2: not JSON');
    expect(message).toContain('labels.jsonl:3: "label": must be negative, neutral or positive, got "great"');
    expect(message).toContain('labels.jsonl:4: "text": required');
    expect(message).toContain('labels.jsonl:5: must be a JSON object');
  });
});

describe('ecoute sentiment calibrate', () => {
  async function run(args: string[]): Promise<{ out: string; error?: Error }> {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
    try {
      await (await buildProgram()).parseAsync(['node', 'ecoute', ...args]);
      return { out: chunks.join('') };
    } catch (error) {
      return { out: chunks.join(''), error: error as Error };
    } finally {
      process.stdout.write = write;
    }
  }

  function setup(): { dir: string; config: string; labels: string } {
    const dir = tempDir();
    const config = join(dir, 'ecoute.yaml');
    writeFileSync(config, `data_dir: ${join(dir, 'data')}\nbrands:\n  - { id: acme, name: Acme, query: acme }\n`);
    const labels = join(dir, 'labels.jsonl');
    writeFileSync(labels, teamLabels.map((e) => JSON.stringify(e)).join('\n'));
    return { dir, config, labels };
  }

  it('prints accuracy before and after, and stores the calibration', async () => {
    const { dir, config, labels } = setup();
    const { out, error } = await run(['sentiment', 'calibrate', '--brand', 'acme', '--labels', labels, '-c', config]);
    expect(error).toBeUndefined();
    expect(out).toMatch(/accuracy on the held-out fifth: [\d.]+ % before, [\d.]+ % after/);
    expect(loadCalibration(join(dir, 'data'), 'acme')?.brand).toBe('acme');
  });

  it('rejects an unknown brand and a bad label file, naming the line', async () => {
    const { dir, config, labels } = setup();
    expect((await run(['sentiment', 'calibrate', '--brand', 'globex', '--labels', labels, '-c', config])).error?.message).toMatch(/no brand "globex".*acme/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"fine","label":"positive"}\n{"text": 3, "label": "positive"}\n');
    expect((await run(['sentiment', 'calibrate', '--brand', 'acme', '--labels', bad, '-c', config])).error?.message).toMatch(/bad\.jsonl:2: "text": required/);
    writeFileSync(bad, '{"text":"fine","label":"positive"}\n');
    expect((await run(['sentiment', 'calibrate', '--brand', 'acme', '--labels', bad, '-c', config])).error?.message).toMatch(/at least 20/);
  });
});

describe('analyze stage', () => {
  it('applies a brand calibration to mentions of that brand alone', async () => {
    const { analyzeMention } = await import('../../src/streams/analyze.js');
    const { brandMatcher } = await import('../../src/streams/brands.js');
    const calibration = calibrate('acme', teamLabels, scores).calibration;
    const options = {
      languages: ['en', 'fr'] as const,
      matchBrands: brandMatcher([
        { id: 'acme', name: 'Acme', query: 'acme' },
        { id: 'globex', name: 'Globex', query: 'globex' },
      ] as never),
      calibrations: (brand: string) => (brand === 'acme' ? calibration : undefined),
      authorKeySecret: 'k',
    };
    const mention = (text: string) => ({ source: 'test', sourceId: text, author: { id: 'a', name: 'a' }, text, publishedAt: '2026-01-01T00:00:00Z', lang: 'en' });
    const acme = analyzeMention(mention('The Acme parcel arrived yesterday'), options);
    expect(acme.brands).toEqual(['acme']);
    expect(acme.analysis.sentiment.label).toBe('positive');
    const both = analyzeMention(mention('The Acme and Globex parcels arrived yesterday'), options);
    expect(both.brands).toEqual(['acme', 'globex']);
    expect(both.analysis.sentiment.label).toBe('neutral');
    expect(analyzeMention(mention('The Globex parcel arrived yesterday'), options).analysis.sentiment.label).toBe('neutral');
  });
});
