// Tokenization and lemmatization. English goes through wink-nlp and its lite web model (tokens
// and types without part-of-speech tagging, which was a third of wink's cost; lemmas one word at a
// time, tagged and cached, see englishWordLemma); French through natural's AggressiveTokenizerFr and
// PorterStemmerFr, after our own split of punctuation, emoji and elisions (natural's default
// tokenizer mangles accents and its French one drops punctuation, which the sentiment rules need);
// any other language through a plain Unicode word split, without lemmatization.
import { createRequire } from 'node:module';
import winkNLP from 'wink-nlp';
import { remember } from '../core/bounded-cache.js';
import { listedEnglishLemma } from './lemma-table.js';
import { englishWinkModel } from './wink-model.js';
import { infoWords, wordInfo, type WordInfo } from './word-info.js';

const require = createRequire(import.meta.url);

export type TokenKind = 'word' | 'number' | 'punct' | 'emoji' | 'emoticon' | 'symbol';

export interface Token {
  /** As written (after prepareText). */
  text: string;
  /** Lower-cased text. */
  lower: string;
  /**
   * The word's index form: English lemma, French stem, lower-cased word otherwise; for French
   * elisions the full word ("n'" → "ne"). Empty for tokens that are not words.
   */
  lemma: string;
  /** Key for phrase look-up: the English lemma, the lower-cased French word (elisions expanded). */
  key: string;
  kind: TokenKind;
  /** Whitespace precedes the token: lets drivers be quoted as written ("n'est pas bon"). */
  space: boolean;
  /**
   * English "like", "likes", "liked" only: 'VERB' or 'ADP' (preposition), from the word before it
   * (see LIKE_VERB_AFTER); the sentiment rules read "looks like a toy" as no opinion.
   */
  pos?: string;
  /**
   * What the analysis steps worked out about this word, shared by every token of it (word-info.ts);
   * undefined for tokens that are not words, for English contractions and for tokens built elsewhere.
   */
  info?: WordInfo;
}

// ---------------------------------------------------------------------------------------------
// English: wink-nlp

type Wink = ReturnType<typeof winkNLP>;
let wink: Wink | undefined;

/**
 * The wink-nlp instance for lemmas (the model takes ~100 ms to load: done once, on first use). The
 * pipeline is cut to part-of-speech tagging, which lemmas need; sentence splitting, negation,
 * entities and wink's sentiment are our own. Mentions are tokenized by englishTokenizer().
 */
export function englishNlp(): Wink {
  if (wink === undefined) {
    wink = winkNLP(englishWinkModel() as never, ['pos']);
  }
  return wink;
}

let winkTokenizer: Wink | undefined;

/**
 * A second wink-nlp instance on the same model, with an empty pipeline: tokens and their types,
 * no part of speech. Mentions are tokenized with this one (part-of-speech tagging was a third of
 * wink's cost); lemmas come from englishWordLemma (the tagged instance, one word at a time,
 * cached), and the few words whose lemma depends on their neighbours (contractions) from wink's
 * own lemmatizer in context, which needs no tags for them.
 */
function englishTokenizer(): Wink {
  if (winkTokenizer === undefined) {
    winkTokenizer = winkNLP(englishWinkModel() as never, []);
  }
  return winkTokenizer;
}

/** Halves of contractions ("ca" of "can't", "wo" of "won't") whose lemma needs the context. */
const CONTEXT_LEMMA = new Set(['ca', 'wo', 'sha', 'ai', 're', 'being']);

/**
 * Words after which "like" is the verb ("I like it", "don't like", "would like"); elsewhere it is
 * the preposition ("looks like a toy", "like the first one"). Stands in for the part-of-speech tag
 * the sentiment rules used to read (they agree on 97 % of the "like"s of the English sets).
 */
const LIKE_VERB_AFTER = new Set([
  'i', 'you', 'we', 'they', 'u', 'ya', "n't", 'not', 'dont', 'didnt', 'doesnt', 'just', 'really', 'totally',
  'actually', 'also', 'still', 'truly', 'genuinely', 'honestly', 'do', 'did', 'does', 'would', "'d", 'will',
  "'ll", 'to', 'and', 'who', 'people', 'ppl', 'kids', 'fans', 'all',
]);

/**
 * The lemma of one lower-cased English word, out of context, kept on its WordInfo. Out of context
 * on purpose: a query word goes through the same function (forms.ts), so "Deliveries" at the start
 * of a sentence (which wink tags as a proper noun and leaves alone) and the query "deliveries" both
 * index as "delivery", and a word always has one index form whatever its sentence. Words of the
 * model's own lexicon are looked up in the table taggedEnglishLemma made of them
 * (config/lexicons/lemmas-en.tsv, lemma-table.ts), so the tagged instance and its 0.1 s of loading
 * are only needed for a word the model does not know.
 */
export function englishWordLemma(lower: string): string {
  return englishWordInfo(lower).lemma;
}

function englishWordInfo(lower: string): WordInfo {
  return wordInfo('en', lower, lemmaOfEnglishWord);
}

function lemmaOfEnglishWord(lower: string): string {
  englishTokenizer(); // loads the model's lexicon, which listedEnglishLemma reads
  return listedEnglishLemma(lower) ?? taggedEnglishLemma(lower);
}

/** The words englishWordLemma was asked so far, in this process (npm run derivations lists them). */
export function lemmatizedEnglishWords(): string[] {
  return infoWords('en');
}

/** What the tagged wink-nlp instance gives as the lemma of one lower-cased word alone (not cached). */
export function taggedEnglishLemma(lower: string): string {
  const nlp = englishNlp();
  const tokens = nlp.readDoc(lower).tokens();
  // wink's typings do not accept its.lemma (an add-on of the model) where they accept other its.*.
  const lemmas = tokens.out(nlp.its.lemma as never) as string[];
  return lemmas.length === 1 && lemmas[0] ? lemmas[0].toLowerCase() : lower;
}

export function tokenizeEnglish(text: string): Token[] {
  const nlp = englishTokenizer();
  const its = nlp.its;
  const tokens = nlp.readDoc(text).tokens();
  const values = tokens.out(its.value) as string[];
  const types = tokens.out(its.type) as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const out: Token[] = [];
  let pendingSpace = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? '';
    const type = types[i] ?? 'unk';
    const space = pendingSpace || (spaces[i] ?? '') !== '';
    pendingSpace = false;
    let kind: TokenKind;
    let text = value;
    switch (type) {
      case 'word':
        kind = 'word';
        break;
      case 'hashtag': // prepareText splits hashtags; what is left ("#1") is read as its words
        text = value.replace(/^#+/, '');
        kind = /\p{L}/u.test(text) ? 'word' : 'number';
        break;
      case 'number':
      case 'ordinal':
      case 'time':
        kind = 'number';
        break;
      case 'punctuation':
        kind = 'punct';
        break;
      case 'emoji':
        kind = 'emoji';
        break;
      case 'emoticon':
        kind = 'emoticon';
        break;
      case 'tabCRLF':
        if (value.includes('\n')) {
          kind = 'punct';
          text = '\n';
        } else {
          pendingSpace = true;
          continue;
        }
        break;
      case 'url':
      case 'email':
      case 'mention':
        pendingSpace = true;
        continue;
      default:
        kind = /^[\p{L}\p{M}'’-]+$/u.test(value) && /\p{L}/u.test(value) ? 'word' : 'symbol';
    }
    if (text === '') continue;
    let lower = text.toLowerCase();
    let lemma = '';
    let info: WordInfo | undefined;
    if (kind === 'word') {
      if (type === 'word' && (lower.includes("'") || CONTEXT_LEMMA.has(lower))) {
        // Contractions need their context: "ca" of "can't" is "can", "'s" is "be" or a possessive.
        lemma = String(tokens.itemAt(i).out(its.lemma as never)).toLowerCase();
        // Clitics without a letter-initial lemma ("'s" possessive) are not index forms.
        if (lemma.startsWith("'") || !/\p{L}/u.test(lemma)) lemma = lemma === "'s" ? '' : lemma.replace(/^'+/, '');
      } else {
        info = englishWordInfo(lower);
        lower = info.lower;
        lemma = info.lemma;
      }
    }
    const token: Token = { text, lower, lemma, key: lemma || lower, kind, space, info };
    if (lemma === 'like' && kind === 'word') {
      const prev = out[out.length - 1];
      token.pos = lower !== 'like' || (prev !== undefined && prev.kind === 'word' && LIKE_VERB_AFTER.has(prev.lower)) ? 'VERB' : 'ADP';
    }
    out.push(token);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// French: natural (deep requires: `require('natural')` loads every module of the package, 0.4 s)

interface NaturalTokenizer { tokenize(text: string): string[] }
interface NaturalStemmer { stem(word: string): string }

let frTokenizer: NaturalTokenizer | undefined;
let frStemmer: NaturalStemmer | undefined;

function frenchTokenizer(): NaturalTokenizer {
  if (frTokenizer === undefined) {
    const Ctor = require('natural/lib/natural/tokenizers/aggressive_tokenizer_fr') as new () => NaturalTokenizer;
    frTokenizer = new Ctor();
  }
  return frTokenizer;
}

/** natural's French Porter stem of a lower-cased word, accents kept ("livraisons" → "livraison"), kept on its WordInfo. */
export function stemFrench(lower: string): string {
  return wordInfo('fr', lower, porterStemFrench).lemma;
}

function porterStemFrench(lower: string): string {
  frStemmer ??= require('natural/lib/natural/stemmers/porter_stemmer_fr') as NaturalStemmer;
  let stem: unknown;
  try {
    stem = frStemmer.stem(lower);
  } catch {
    stem = lower;
  }
  return typeof stem !== 'string' || stem === '' ? lower : stem;
}

/** Elided French words, with the full word they stand for. */
const ELISIONS: Record<string, string> = {
  "l'": 'le', "d'": 'de', "j'": 'je', "n'": 'ne', "c'": 'ce', "m'": 'me', "t'": 'te', "s'": 'se',
  "qu'": 'que', "jusqu'": 'jusque', "lorsqu'": 'lorsque', "puisqu'": 'puisque', "quoiqu'": 'quoique',
};
const ELISION_RE = /^(jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])'(?=\p{L})/iu;

/** Clitic pronouns of inverted questions: "fonctionne-t-il" → "fonctionne", "il". */
const HYPHEN_CLITICS = new Set([
  't', 'je', 'tu', 'il', 'elle', 'on', 'nous', 'vous', 'ils', 'elles', 'ce', 'moi', 'toi', 'le', 'la',
  'les', 'lui', 'leur', 'y', 'en',
]);

// Letters natural's French tokenizer keeps; any other letter would split the word it is in.
const FR_TOKENIZER_LETTERS = /[^\sa-z0-9äâàéèëêïîöôùüûœç'-]/i;

/** Emoticons recognised by the French and other-language tokenizers, set from the emoji lexicon. */
let emoticonSource = '';
let delimiterRe: RegExp | undefined;

/** Sets the emoticons the non-English tokenizers recognise (wink has its own list). */
export function setEmoticons(emoticons: readonly string[]): void {
  // ASCII emoticons only (":)", "<3", "^^"); other symbols are single characters (see delimiters).
  const sorted = [...emoticons]
    .filter((e) => /^[\x21-\x7E]+$/.test(e) && !/^[\p{L}\p{N}]+$/u.test(e))
    .sort((a, b) => b.length - a.length);
  // Only syntax characters may be escaped in a /u regular expression ("\-" is an error).
  emoticonSource = sorted.map((e) => e.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')).join('|');
  delimiterRe = undefined;
}

function delimiters(): RegExp {
  if (delimiterRe === undefined) {
    const emoticons = emoticonSource === '' ? '(?!)' : `(?<=^|\\s)(?:${emoticonSource})(?=$|\\s|[.,!?])`;
    delimiterRe = new RegExp(
      `(${emoticons})|(\\p{Extended_Pictographic}|\\p{So})|([.,;:!?…()\\[\\]{}"«»“”„—–/|*+=<>~]+|\\n)`,
      // case-insensitive for ":D" / ":d" / "XD"
      'giu',
    );
  }
  delimiterRe.lastIndex = 0;
  return delimiterRe;
}

/** Splits text into delimiter tokens (emoticons, emoji, punctuation) and the runs of words between. */
function scan(text: string, words: (run: string, out: Token[]) => void): Token[] {
  const out: Token[] = [];
  const re = delimiters();
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) words(text.slice(last, m.index), out);
    const value = m[0];
    const space = m.index > 0 && /\s/.test(text.charAt(m.index - 1));
    const kind: TokenKind = m[1] !== undefined ? 'emoticon' : m[2] !== undefined ? 'emoji' : 'punct';
    out.push({ text: value, lower: value.toLowerCase(), lemma: '', key: value.toLowerCase(), kind, space });
    last = m.index + value.length;
  }
  if (last < text.length) words(text.slice(last), out);
  return out;
}

function wordToken(text: string, lower: string, lemma: string, key: string, space: boolean): Token {
  const kind: TokenKind = /\p{L}/u.test(text) ? 'word' : /\p{N}/u.test(text) ? 'number' : 'symbol';
  return { text, lower, lemma: kind === 'word' ? lemma : '', key, kind, space };
}

type Piece = Omit<Token, 'space'>;

/** Tokens of a whitespace-delimited chunk, by chunk: words repeat, their tokenizing need not. */
const chunkCache = new Map<string, readonly Piece[]>();
const CHUNK_CACHE_MAX = 100_000;

function frenchWords(run: string, out: Token[]): void {
  let space = /^\s/.test(run) || out.length === 0;
  for (const chunk of run.split(/\s+/)) {
    if (chunk === '') { space = true; continue; }
    let pieces = chunkCache.get(chunk);
    if (pieces === undefined) {
      const tokens: Token[] = [];
      frenchChunk(chunk, tokens);
      pieces = remember(chunkCache, chunk, tokens.map(({ space: _space, ...piece }) => piece), CHUNK_CACHE_MAX);
    }
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k]!;
      out.push({ text: p.text, lower: p.lower, lemma: p.lemma, key: p.key, kind: p.kind, space: k === 0 && space, info: p.info });
    }
    space = true;
  }
}

/** Tokens of one chunk without whitespace ("l'application", "fonctionne-t-il", "super!!"). */
function frenchChunk(chunk: string, out: Token[]): void {
  const tokenizer = frenchTokenizer();
  let rest = chunk;
  let first = true;
  // Elisions first ("l'application", "qu'il", "jusqu'à"); natural's tokenizer would cut them
  // into a meaningless one-letter word.
  for (let guard = 0; guard < 3; guard++) {
    const m = ELISION_RE.exec(rest);
    if (m === null) break;
    const elided = `${m[1]!.toLowerCase()}'`;
    const full = ELISIONS[elided] ?? elided;
    out.push({ text: rest.slice(0, m[0].length), lower: elided, lemma: full, key: full, kind: 'word', space: first });
    first = false;
    rest = rest.slice(m[0].length);
  }
  // Letters natural does not know (ñ, á, ø...) would split a word: fold those to their base letter.
  if (FR_TOKENIZER_LETTERS.test(rest)) {
    rest = rest.replace(/[^\sa-z0-9äâàéèëêïîöôùüûœç'-]/gi, (c) => c.normalize('NFD').replace(/\p{M}+/gu, ''));
  }
  for (const piece of tokenizer.tokenize(rest)) {
    const parts = piece.includes('-') ? splitClitics(piece) : [piece];
    for (const part of parts) {
      if (!/[\p{L}\p{N}]/u.test(part)) continue;
      const lower = part.toLowerCase();
      const info = /\p{L}/u.test(lower) ? wordInfo('fr', lower, porterStemFrench) : undefined;
      out.push({ ...wordToken(part, lower, info?.lemma ?? lower, lower, first), info });
      first = false;
    }
  }
}

function splitClitics(word: string): string[] {
  const parts = word.split('-').filter((p) => p !== '');
  if (parts.length < 2) return parts;
  if (!parts.slice(1).some((p) => HYPHEN_CLITICS.has(p.toLowerCase()))) return [word.replace(/^-+|-+$/g, '')];
  return parts.filter((p) => p.toLowerCase() !== 't');
}

export function tokenizeFrench(text: string): Token[] {
  return scan(text, frenchWords);
}

// ---------------------------------------------------------------------------------------------
// Other languages: words as written, lower-cased

function plainWords(run: string, out: Token[]): void {
  const re = /[\p{L}\p{M}\p{N}]+(?:['-][\p{L}\p{M}\p{N}]+)*/gu;
  let m: RegExpExecArray | null;
  let prevEnd = 0;
  while ((m = re.exec(run)) !== null) {
    const lower = m[0].toLowerCase();
    const space = (prevEnd === 0 && out.length === 0) || /\s/.test(run.slice(prevEnd, m.index)) || (m.index === 0 && /^\s/.test(run));
    out.push(wordToken(m[0], lower, lower, lower, space));
    prevEnd = m.index + m[0].length;
  }
}

export function tokenizeOther(text: string): Token[] {
  return scan(text, plainWords);
}

/** Lower-cased word tokens of a phrase, as the tokenizer of `lang` sees them (lexicon loading). */
export function phraseKeys(phrase: string, lang: 'en' | 'fr'): string[] {
  const tokens = lang === 'en' ? tokenizeEnglish(phrase) : tokenizeFrench(phrase);
  return tokens.filter((t) => t.kind === 'word' || t.kind === 'number').map((t) => t.key);
}
