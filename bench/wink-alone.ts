// The reference of `npm run bench:cli`: a process that calls wink-nlp alone (its English model, its
// default pipeline, as bench/nlp.ts does) on every text of a JSONL file, one JSON line out per text.
// Run as `node dist/bench/wink-alone.js <file>`.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import winkNLP from 'wink-nlp';

const require = createRequire(import.meta.url);
const nlp = winkNLP(require('wink-eng-lite-web-model'));
const lines = createInterface({ input: createReadStream(process.argv[2]!, { encoding: 'utf8' }), crlfDelay: Infinity });
for await (const line of lines) {
  const doc = nlp.readDoc((JSON.parse(line) as { text: string }).text);
  const out = JSON.stringify({ tokens: doc.tokens().length(), sentiment: doc.out(nlp.its.sentiment) });
  if (!process.stdout.write(`${out}\n`)) await new Promise((r) => process.stdout.once('drain', r));
}
