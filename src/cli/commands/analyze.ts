// `ecoute analyze`: JSONL in, one JSON line out per input line, in order. Only JSON on stdout.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Analysis } from '../../core/types.js';
import { analyze } from '../../nlp/analyze.js';
import { EcouteError } from '../../core/errors.js';

interface AnalyzeInput {
  text: string;
  lang?: string;
  rating?: number;
}

export function analysisJson(analysis: Analysis): Record<string, unknown> {
  return {
    lang: analysis.lang,
    lang_confidence: round(analysis.langConfidence),
    tokens: analysis.tokens,
    sentiment: {
      label: analysis.sentiment.label,
      score: round(analysis.sentiment.score),
      confidence: round(analysis.sentiment.confidence),
      drivers: analysis.sentiment.drivers.map((d) => ({ text: d.text, weight: round(d.weight) })),
    },
    terms: analysis.terms,
    lemmas: analysis.lemmas,
    // Field names are snake_case already; tones rounded like the sentiment.
    fields: Object.fromEntries(Object.entries(analysis.fields).map(([name, f]) => [name, { hits: f.hits, tone: round(f.tone) }])),
    flags: {
      irony_suspected: analysis.flags?.ironySuspected ?? false,
      question: analysis.flags?.question ?? false,
      profanity: analysis.flags?.profanity ?? false,
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function parseInput(line: string): AnalyzeInput {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new EcouteError('MENTION_BAD_JSON', `not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EcouteError('MENTION_INVALID', 'a line must be a JSON object such as {"text": "..."}');
  const { text, lang, rating } = value as Record<string, unknown>;
  if (typeof text !== 'string') throw new EcouteError('MENTION_INVALID', 'text: required, a string');
  if (lang !== undefined && typeof lang !== 'string') throw new EcouteError('MENTION_INVALID', 'lang: must be a string such as "en" or "fr"');
  if (rating !== undefined && (typeof rating !== 'number' || rating < 0 || rating > 1)) throw new EcouteError('MENTION_INVALID', 'rating: must be a number from 0 to 1');
  return { text, ...(lang !== undefined && { lang }), ...(rating !== undefined && { rating: rating as number }) };
}

/**
 * Output lines written to the stream in batches: one write per line was a tenth of a large
 * `ecoute analyze`'s time. Lines go out when 64 KB have gathered, and in any case once the lines
 * already read are done (setImmediate runs after the input chunk's lines), so a line typed on a
 * terminal is answered at once.
 */
class LineBatcher {
  private lines: string[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async push(line: string): Promise<void> {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= 65_536) await this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const chunk = this.lines.join('');
    this.lines = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise((resolve) => this.stream.once('drain', resolve));
  }
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Analyze JSONL ({"text": ..., "lang"?: ...}) from a file or stdin: one JSON result per line, in order')
    .argument('[file]', 'JSONL file (default: stdin)')
    .action(async (file?: string) => {
      const input = file && file !== '-' ? createReadStream(file, { encoding: 'utf8' }) : process.stdin;
      const lines = createInterface({ input, crlfDelay: Infinity });
      const output = new LineBatcher(process.stdout);
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber += 1;
        let out: Record<string, unknown>;
        try {
          const { text, ...hints } = parseInput(line);
          out = analysisJson(analyze(text, hints));
        } catch (error) {
          // Inline, so the output keeps one line per input line; with the catalogue code and the line.
          const code = error instanceof EcouteError ? error.code : 'ANALYZE_FAILED';
          out = { error: (error as Error).message, code, line: lineNumber };
        }
        await output.push(`${JSON.stringify(out)}\n`);
      }
      await output.flush();
    });
}
