// `ecoute sentiment calibrate`: fits a per-brand adjustment of the shipped sentiment model on the
// labels a team gave its own mentions, shows what it changes on labels it did not see, and stores
// it under the data dir, where the analyze stage picks it up (see nlp/sentiment/calibration.ts).
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { readText } from '../../nlp/analyze.js';
import { modelScores } from '../../nlp/sentiment.js';
import { calibrate, saveCalibration } from '../../nlp/sentiment/calibration.js';
import { LabelFileError, readLabelled } from '../../nlp/sentiment/dataset.js';
import { getModel } from '../../nlp/sentiment/model.js';
import { readConfig, UsageError } from '../context.js';
import { EcouteError } from '../../core/errors.js';

interface CalibrateOptions {
  brand: string;
  labels: string;
  config?: string;
  force?: boolean;
  json?: boolean;
}

/** Fewer labels than this cannot say anything on a held-out fifth. */
const MIN_LABELS = 20;

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

export function registerSentiment(program: Command): void {
  const sentiment = program.command('sentiment').description('Sentiment model tools');
  sentiment
    .command('calibrate')
    .description('Fit a per-brand adjustment of the sentiment model on labelled mentions (JSONL: {"text": ..., "label": "negative|neutral|positive"})')
    .requiredOption('--brand <id>', 'the brand the labels are about (an id from the config)')
    .requiredOption('--labels <file>', 'JSONL file of labelled mentions')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--force', 'store the calibration even when it does not improve held-out accuracy')
    .option('--json', 'print the figures as one JSON object')
    .action((options: CalibrateOptions) => {
      const { config } = readConfig(options.config);
      const brand = config.brands.find((b) => b.id === options.brand);
      if (brand === undefined) {
        const known = config.brands.map((b) => b.id);
        throw new UsageError(`--brand: no brand "${options.brand}" in the config${known.length > 0 ? ` (brands: ${known.join(', ')})` : ' (it has no brands)'}`);
      }
      if (!existsSync(options.labels)) throw new UsageError(`--labels: no such file: ${options.labels}`);
      let examples;
      try {
        examples = readLabelled(options.labels);
      } catch (error) {
        if (error instanceof LabelFileError) throw new UsageError(error.message);
        throw error;
      }
      if (getModel() === null) throw new EcouteError('SENTIMENT_MODEL_MISSING', 'no sentiment model found (config/models/sentiment.json): nothing to calibrate');
      const report = calibrate(brand.id, examples, (text) => {
        const { lang, tokens } = readText(text, { languages: config.languages });
        return modelScores(tokens, lang);
      });
      if (report.examples < MIN_LABELS) {
        throw new UsageError(`--labels: ${report.examples} usable labelled mentions in English or French; at least ${MIN_LABELS} are needed (a fifth of them is held out to measure the calibration)`);
      }
      const improves = report.accuracyAfter >= report.accuracyBefore;
      const dataDir = resolve(config.data_dir);
      const file = improves || options.force ? saveCalibration(dataDir, report.calibration) : undefined;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({
          brand: brand.id, labels: examples.length, used: report.examples, held_out: report.heldOut,
          accuracy_before: report.accuracyBefore, accuracy_after: report.accuracyAfter, stored: file ?? null,
        })}\n`);
        return;
      }
      const skipped = examples.length - report.examples;
      const lines = [
        `${brand.id}: ${report.examples} labelled mentions${skipped > 0 ? ` (${skipped} skipped: not English or French, or no words)` : ''}; fitted on ${report.examples - report.heldOut}, measured on the ${report.heldOut} held out (every fifth line)`,
        `accuracy on the held-out fifth: ${percent(report.accuracyBefore)} before, ${percent(report.accuracyAfter)} after`,
      ];
      if (file !== undefined) {
        lines.push(`stored ${displayPath(file)} (refitted on all ${report.examples} labels); analyze uses it for mentions of ${brand.id} alone from now on (a running pipeline within 5 s)`);
      } else {
        lines.push('not stored: the calibration does not improve accuracy on the held-out labels (more labels may help; --force stores it anyway)');
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
