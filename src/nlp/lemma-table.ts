// The lemmas of the English model's own words, computed once (npm run derivations) by the tagged
// wink-nlp instance, one word at a time, as englishWordLemma does (issue 15, "The command line":
// that instance, with part-of-speech tagging, doubled the model's loading for a start that mostly
// lemmatizes common words). config/lexicons/lemmas-en.tsv lists the words whose lemma differs from
// the word, and the words écoute's own English lists lemmatize (lexicons, fields, flags) that the
// model does not know, with their lemma; a model word that is not listed is its own lemma. The file names the model version it
// was made with: with another version installed it is not used and every lemma is tagged again.
import { readFileSync } from 'node:fs';
import { lexiconPath } from './resources.js';
import { isModelWord, winkModelVersion } from './wink-model.js';

export const LEMMA_TABLE_FILE = 'lemmas-en.tsv';

/** The header line naming the model: `# wink-eng-lite-web-model <version>`. */
export function lemmaTableHeader(version: string = winkModelVersion()): string {
  return `# wink-eng-lite-web-model ${version}`;
}

/**
 * The table's text, one `word<TAB>lemma` a line, lemmas as `lemmaOf` (the tagged instance:
 * taggedEnglishLemma) gives them: the model's own lower-case words whose lemma differs from the
 * word, then the `otherWords` (those the lists lemmatize) that are not model words, all of them.
 */
export function lemmaTableText(modelWords: readonly string[], otherWords: readonly string[], lemmaOf: (lower: string) => string): string {
  const lines = [lemmaTableHeader()];
  const listable = (word: string): boolean => word === word.toLowerCase() && !word.includes('\t') && !word.includes('\n') && word !== '';
  const known = new Set(modelWords);
  for (const word of modelWords) {
    if (!listable(word)) continue;
    const lemma = lemmaOf(word);
    if (lemma !== word) lines.push(`${word}\t${lemma}`);
  }
  for (const word of [...new Set(otherWords)].sort()) {
    if (listable(word) && !known.has(word)) lines.push(`${word}\t${lemmaOf(word)}`);
  }
  return `${lines.join('\n')}\n`;
}

let table: Map<string, string> | null | undefined;

function loadTable(): Map<string, string> | null {
  let text: string;
  try {
    text = readFileSync(lexiconPath(LEMMA_TABLE_FILE), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines[0] !== lemmaTableHeader()) return null;
  const map = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab > 0) map.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return map;
}

/**
 * The lemma of a lower-cased model word from the table; undefined for a word the model does not
 * know, before the model is loaded, or when the table is missing or made for another model version.
 */
export function listedEnglishLemma(lower: string): string | undefined {
  if (table === undefined) table = loadTable();
  // The table cannot hold a word with a tab or a line break: such a word is tagged.
  if (lower.includes('\t') || lower.includes('\n')) return undefined;
  if (table === null) return undefined;
  const listed = table.get(lower);
  if (listed !== undefined) return listed;
  return isModelWord(lower) === true ? lower : undefined;
}
