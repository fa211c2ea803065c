// Flags: signals a comms team triages on, beyond the tone.
//
//  - ironySuspected: praise that probably means the opposite. Any of
//      · a phrase that is ironic on its own ("thanks for nothing", "merci pour rien", "on n'arrête
//        pas le progrès");
//      · a sarcasm marker: "/s" at the end, #sarcasm, #sarcasme, #ironie, #not;
//      · a mocking emoji (🙄 🙃 😒 😑 🤡 🤦 😏, "-_-") with a positive word ("Super service 🙄");
//      · a positive exclamation at the start of a sentence ("Great,", "Génial…", "Bravo la SNCF,")
//        followed, in that sentence or the next, by a negative word (unless a contrast says the
//        praise was meant: "Great! The delivery was awful though"), or by a repetition ("again",
//        "encore") after an ellipsis or with a mocking emoji ("Bravo… encore");
//      · a cue ("thanks for", "merci pour", "love how", "bien joué") with a negative word in the
//        same part of the sentence ("merci pour ce retard");
//      · a positive word in scare quotes in a negative mention (le service « premium »).
//  - question: a sentence ends with "?", or starts like a question: English wh-word with an
//    auxiliary ("where is my parcel"), auxiliary and subject ("does anyone know"), "anyone
//    else..."; French "est-ce que", subject inversion ("pouvez-vous", "y a-t-il"), "pourquoi",
//    "comment", "combien", "quel est"...
//  - profanity: swearing and vulgar insults from small EN/FR lists (config/lexicons/flags/), on
//    whole words, folded ("putain", "PUTAIN", "put@in" is not caught but "f*ck" is).
//
// Word lists are data (config/lexicons/flags/{en,fr}.yaml); the positions and combinations are
// the rules here. Everything runs on the tokens analyze() already has; the sentiment is asked
// again only for the few spans a rule needs (a cue's clause, the sentence after an exclamation).
import type { AnalysisFlags, Lang, Sentiment } from '../core/types.js';
import { clauseMap, hasContrast } from './fields/clauses.js';
import { compileLists, findMatches, TokenForms, type CompiledLists, type ListLang } from './fields/matcher.js';
import { readLexiconYaml } from './resources.js';
import { ruleSentiment } from './sentiment.js';
import type { Token } from './tokenize.js';
import { EcouteError } from '../core/errors.js';

export const NO_FLAGS: Readonly<AnalysisFlags> = Object.freeze({ ironySuspected: false, question: false, profanity: false });

const LABELS = ['profanity', 'irony_phrases', 'irony_cues', 'irony_interjections', 'irony_repetition', '_ignore'] as const;
type Label = (typeof LABELS)[number];

let compiled: CompiledLists | undefined;

function lists(): CompiledLists {
  if (compiled === undefined) {
    const source = new Map<string, Partial<Record<ListLang, string[]>>>(LABELS.map((l) => [l, {}]));
    for (const lang of ['en', 'fr'] as const) {
      const file = `flags/${lang}.yaml`;
      const doc = readLexiconYaml(file) as Record<string, unknown> | null;
      for (const [label, entries] of Object.entries(doc ?? {})) {
        if (!(LABELS as readonly string[]).includes(label)) throw new EcouteError('LEXICON_INVALID', `config/lexicons/${file}: unknown list "${label}" (known: ${LABELS.join(', ')})`);
        if (!Array.isArray(entries)) throw new EcouteError('LEXICON_INVALID', `config/lexicons/${file}: ${label} must be a list`);
        source.get(label)![lang] = entries.map(String);
      }
    }
    compiled = compileLists(source, new Set(['_ignore']));
  }
  return compiled;
}

const MOCKING = new Set(['🙄', '🙃', '😒', '😑', '🤡', '🤦', '😏', '🤨', '-_-', '-.-', '¬¬']);
const SARCASM_TAG = /#(?:sarcasm|sarcastic|sarcasme|sarcastique|ironie|irony|ironique|not)(?![\p{L}\p{N}_])/iu;
const SARCASM_SLASH = /(?:^|\s)\/s\s*$/m;
const MASKED_PROFANITY = /(?<![\p{L}\p{N}])(?:f[*#@$%]{1,3}c?k\p{L}*|f[*#@$%]{2,3}|sh[*#@$!1]t\p{L}*|b[*#@$!1]tch\p{L}*|p[*#@$%]{1,3}tain|put[*#@$%]{1,2}in|m[*#@$%]{1,3}rde)/iu;
/** Cheap test before MASKED_PROFANITY: a masking character, or "!"/"1" inside a word. */
const MASK_HINT = /[*#@$%]|[a-z][!1][a-z]/i;
const QUOTES = /["“”«»„]/;

function isSentenceEnd(t: Token): boolean {
  return t.kind === 'punct' && /[.!?…\n]/.test(t.text);
}

function isWord(t: Token | undefined): t is Token {
  return t !== undefined && t.kind === 'word';
}

function hasNegative(s: Sentiment): boolean {
  return s.drivers.some((d) => d.weight <= -0.5 && /\p{L}/u.test(d.text));
}

function hasPositive(s: Sentiment): boolean {
  return s.drivers.some((d) => d.weight >= 0.5 && /\p{L}/u.test(d.text));
}

/** Whether words of these tokens carry a clear valence of this sign (the sentiment rules, no model). */
function hasValence(tokens: readonly Token[], lang: Lang, sign: 1 | -1): boolean {
  return ruleSentiment(tokens, lang).contributions.some((c) => c.value * sign >= 0.5 && /\p{L}/u.test(c.text));
}

interface Sentences {
  /** Per token: its sentence. */
  of: Int32Array;
  /** Per sentence: [from, to) (to includes the closing punctuation). */
  spans: { from: number; to: number }[];
}

function sentencesOf(tokens: readonly Token[]): Sentences {
  const of = new Int32Array(tokens.length);
  const spans: { from: number; to: number }[] = [];
  let from = 0;
  for (let i = 0; i < tokens.length; i++) {
    of[i] = spans.length;
    const next = tokens[i + 1];
    // A run of closing marks ("?!", "...", "!!") ends the sentence once.
    if (isSentenceEnd(tokens[i]!) && (next === undefined || !isSentenceEnd(next))) {
      spans.push({ from, to: i + 1 });
      from = i + 1;
    }
  }
  if (from < tokens.length) spans.push({ from, to: tokens.length });
  return { of, spans };
}

// --- question --------------------------------------------------------------------------------

const EN_WH = new Set(['what', 'why', 'how', 'when', 'where', 'who', 'which', 'whose', 'whom']);
const EN_AUX_LEMMAS = new Set(['be', 'do', 'have', 'can', 'could', 'will', 'would', 'should', 'shall', 'may', 'might', 'must']);
const PRONOUNS = ['i', 'you', 'he', 'she', 'we', 'they', 'anyone', 'anybody', 'someone', 'somebody', 'everyone'];
/** Subjects that make "AUX subject ..." a question, per auxiliary. */
const EN_AUX_SUBJECTS = new Map<string, ReadonlySet<string>>();
{
  const be = new Set([...PRONOUNS, 'it', 'there', 'this', 'that', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'any']);
  const bePast = new Set([...PRONOUNS, 'it', 'there', 'this', 'that', 'my', 'your', 'any']);
  const third = new Set([...PRONOUNS, 'it', 'this', 'that', 'the', 'my', 'your', 'any', 'there']);
  const base = new Set(['you', 'i', 'we', 'they', 'anyone', 'anybody', 'someone', 'somebody', 'people']);
  const modal = new Set([...PRONOUNS, 'it', 'this', 'that', 'the', 'my', 'your', 'there']);
  for (const w of ['is', 'are', 'am']) EN_AUX_SUBJECTS.set(w, be);
  for (const w of ['was', 'were']) EN_AUX_SUBJECTS.set(w, bePast);
  for (const w of ['does', 'has']) EN_AUX_SUBJECTS.set(w, third);
  for (const w of ['did', 'had']) EN_AUX_SUBJECTS.set(w, new Set([...third].filter((s) => s !== 'it' && s !== 'the')));
  for (const w of ['do', 'have']) EN_AUX_SUBJECTS.set(w, base);
  for (const w of ['can', 'ca', 'could', 'will', 'wo', 'would', 'should', 'shall']) EN_AUX_SUBJECTS.set(w, modal);
}
const EN_ASKERS = new Set(['anyone', 'anybody', 'someone', 'somebody']);
const EN_ASKER_NEXT = new Set(['know', 'knows', 'else', 'have', 'has', 'had', 'tried', 'having', 'got', 'experiencing', 'seen', 'here', 'using', 'ever', 'able', 'getting']);

const FR_STRONG = new Set(['pourquoi', 'comment', 'combien']);
const FR_QUEL = new Set(['quel', 'quelle', 'quels', 'quelles', 'lequel', 'laquelle', 'lesquels', 'lesquelles']);
const FR_ETRE = new Set(['est', 'sont', 'était', 'etait', 'étaient', 'etaient', 'sera', 'seront', 'serait']);
const FR_SUBJECT_CLITICS = new Set(['je', 'tu', 'il', 'elle', 'on', 'nous', 'vous', 'ils', 'elles']);
/** Verbs in -ez / -ons whose inversion is a question ("pouvez-vous"); others are imperatives ("contactez-nous"). */
const FR_QUESTION_VOUS = new Set([
  'avez', 'pouvez', 'savez', 'êtes', 'etes', 'voulez', 'allez', 'comptez', 'pensez', 'connaissez', 'croyez', 'devez',
  'prévoyez', 'prevoyez', 'acceptez', 'proposez', 'livrez', 'remboursez', 'vendez', 'faites', 'trouvez', 'auriez', 'pourriez',
  'sauriez', 'voudriez', 'seriez', 'feriez', 'aviez', 'étiez', 'etiez', 'rappelez', 'répondez', 'repondez', 'envoyez',
]);
const FR_QUESTION_NOUS = new Set(['avons', 'pouvons', 'sommes', 'allons', 'devons', 'savons', 'voulons', 'serons', 'aurons', 'pourrons']);
const FR_ASK_AFTER_CEST = new Set(['quand', 'où', 'ou', 'quoi', 'combien', 'qui', 'comment', 'pourquoi']);

/** A subject pronoun glued to the verb before it ("pouvez-vous", "a-t-il"), not an imperative. */
function frenchInversion(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) {
    const t = tokens[i]!;
    if (t.space || !FR_SUBJECT_CLITICS.has(t.lower)) continue;
    const verb = tokens[i - 1]!;
    if (!isWord(verb) || verb.lower.endsWith("'")) continue; // "qu'il": an elision, not an inversion
    const v = verb.lower;
    if (v === 'rendez' || v === 'vis') continue; // "rendez-vous"
    if (t.lower === 'vous' && v.endsWith('ez') && !FR_QUESTION_VOUS.has(v)) continue;
    if (t.lower === 'nous' && !FR_QUESTION_NOUS.has(v)) continue;
    return true;
  }
  return false;
}

function sentenceIsQuestion(tokens: readonly Token[], from: number, to: number, lang: Lang): boolean {
  let end = to - 1;
  while (end >= from && (tokens[end]!.kind === 'emoji' || tokens[end]!.kind === 'emoticon' || tokens[end]!.kind === 'symbol')) end--;
  const last = tokens[end];
  if (last !== undefined && last.kind === 'punct' && last.text.includes('?')) return true;
  const exclaimed = last !== undefined && last.kind === 'punct' && last.text.includes('!');
  if (exclaimed || lang === 'other') return false;
  const words: Token[] = [];
  for (let i = from; i < to && words.length < 4; i++) if (isWord(tokens[i])) words.push(tokens[i]!);
  const [w0, w1, w2] = words;
  if (w0 === undefined) return false;
  const first = w0.lower;
  if (lang === 'en') {
    if (EN_WH.has(first)) {
      if (first === 'why') return true;
      // "where is", "how do", "how much is": an auxiliary within two words.
      return [w1, w2].some((w) => w !== undefined && (EN_AUX_LEMMAS.has(w.lemma) || EN_AUX_LEMMAS.has(w.lower)));
    }
    const subjects = EN_AUX_SUBJECTS.get(first);
    if (subjects !== undefined) {
      // "Isn't it", "Can't you": look past the negation.
      const subject = w1 !== undefined && (w1.lower === "n't" || w1.lower === 'not') ? w2 : w1;
      return subject !== undefined && subjects.has(subject.lower);
    }
    if (EN_ASKERS.has(first)) return w1 !== undefined && EN_ASKER_NEXT.has(w1.lower);
    return first === 'any' && w1 !== undefined && /^(idea|ideas|news|update|updates|word|help|tips?)$/.test(w1.lower);
  }
  // French
  for (let i = from; i + 1 < to; i++) {
    // "est-ce que", "qu'est-ce", "n'est-ce pas"
    if (tokens[i]!.lower === 'est' && tokens[i + 1]!.lower === 'ce' && !tokens[i + 1]!.space) return true;
  }
  if (frenchInversion(tokens, from, to)) return true;
  if (FR_STRONG.has(first)) return true;
  if (FR_QUEL.has(first)) return w1 !== undefined && FR_ETRE.has(w1.lower);
  // "c'est quand", "c'est où", "c'est quoi ce délire"
  return first === "c'" && w1?.lower === 'est' && w2 !== undefined && FR_ASK_AFTER_CEST.has(w2.lower);
}

// --- irony -----------------------------------------------------------------------------------

const LEAD_INS = new Set([
  'oh', 'ah', 'wow', 'well', 'just', 'so', 'really', 'yeah', 'yes', 'and', 'again', 'truly',
  'ouais', 'oui', 'eh', 'bah', 'ben', 'bon', 'et', 'alors', 'vraiment', 'franchement', 'encore', 'trop', 'ah', 'oh',
]);
const ARTICLES = new Set(['the', 'le', 'la', 'les', "l'", 'mon', 'ma', 'mes', 'my']);

/** An interjection at [start, end): first in its sentence (after "oh", "wow"...) and followed by punctuation or a name. */
function inInterjectionPosition(tokens: readonly Token[], start: number, end: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (isSentenceEnd(t)) break;
    if (t.kind === 'punct' || t.kind === 'emoji' || t.kind === 'emoticon') continue;
    if (!isWord(t) || !LEAD_INS.has(t.lower)) return false;
  }
  let j = end;
  // "Bravo la SNCF,", "Thanks Comcast,": an optional article and up to two capitalized words.
  if (isWord(tokens[j]) && ARTICLES.has(tokens[j]!.lower)) j++;
  let names = 0;
  while (names < 2 && isWord(tokens[j]) && /^\p{Lu}/u.test(tokens[j]!.text)) {
    j++;
    names++;
  }
  if (names === 0 && j > end) return false; // an article without a name: "Super la livraison" reads as praise
  const next = tokens[j];
  return next === undefined || next.kind === 'punct' || next.kind === 'emoji' || next.kind === 'emoticon';
}

/** Whether an ellipsis follows [.., end) before the next word: "Génial… encore". */
function ellipsisAfter(tokens: readonly Token[], end: number): boolean {
  for (let j = end; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'word') return false;
    if (t.kind === 'punct' && (t.text.includes('…') || t.text.includes('..'))) return true;
  }
  return false;
}

export interface FlagInput {
  /** The mention as received (for "/s" and hashtags, which analysis removes). */
  raw: string;
  tokens: readonly Token[];
  lang: Lang;
  /** The mention's sentiment, already computed. */
  sentiment: Sentiment;
  /** Folded token forms when the caller has them (shared with the fields). */
  forms?: TokenForms | undefined;
}

/** The flags of an analyzed mention. */
export function flagsOf(input: FlagInput): AnalysisFlags {
  const { tokens, lang, sentiment } = input;
  const raw = input.raw.length > 30_000 ? input.raw.slice(0, 30_000) : input.raw;
  if (tokens.length === 0) return { ...NO_FLAGS };
  const forms = input.forms ?? new TokenForms(tokens);
  const all = lists();
  const index = all[lang === 'fr' ? 'fr' : 'en'];
  const labelOf = (n: number): Label => all.labels[n] as Label;

  let profanity = false;
  let ironyPhrase = false;
  const cues: { start: number; end: number }[] = [];
  const interjections: { start: number; end: number }[] = [];
  const repetitions: number[] = [];
  findMatches(forms, index, (start, end, labels) => {
    for (const n of labels) {
      switch (labelOf(n)) {
        case 'profanity': profanity = true; break;
        case 'irony_phrases': ironyPhrase = true; break;
        case 'irony_cues': cues.push({ start, end }); break;
        case 'irony_interjections': interjections.push({ start, end }); break;
        case 'irony_repetition': repetitions.push(start); break;
        default:
      }
    }
  });
  if (!profanity && MASK_HINT.test(raw)) profanity = MASKED_PROFANITY.test(raw);

  let mocking = false;
  for (const t of tokens) {
    if ((t.kind === 'emoji' || t.kind === 'emoticon' || t.kind === 'symbol') && MOCKING.has(t.text)) {
      mocking = true;
      break;
    }
  }

  const sentences = sentencesOf(tokens);
  let question = false;
  for (const s of sentences.spans) {
    if (sentenceIsQuestion(tokens, s.from, s.to, lang)) {
      question = true;
      break;
    }
  }

  const ironySuspected =
    ironyPhrase ||
    (raw.includes('#') && SARCASM_TAG.test(raw)) ||
    (raw.includes('/s') && SARCASM_SLASH.test(raw)) ||
    (mocking && hasPositive(sentiment)) ||
    exclamationIrony(tokens, lang, interjections, repetitions, sentences, mocking) ||
    cueIrony(tokens, lang, cues) ||
    scareQuoteIrony(tokens, lang, sentiment);

  return { ironySuspected, question, profanity };
}

function exclamationIrony(
  tokens: readonly Token[],
  lang: Lang,
  interjections: readonly { start: number; end: number }[],
  repetitions: readonly number[],
  sentences: Sentences,
  mocking: boolean,
): boolean {
  for (const { start, end } of interjections) {
    if (!inInterjectionPosition(tokens, start, end)) continue;
    // What follows: the rest of the sentence and the next one.
    const s = sentences.of[start]!;
    const to = (sentences.spans[s + 1] ?? sentences.spans[s]!).to;
    if (to <= end) continue;
    if (repetitions.some((r) => r >= end && r < to) && (mocking || ellipsisAfter(tokens, end))) return true;
    // "Great! The delivery was awful though": a contrast says the praise was meant.
    if (!hasContrast(tokens, end, to, lang) && hasValence(tokens.slice(end, to), lang, -1)) return true;
  }
  return false;
}

function cueIrony(tokens: readonly Token[], lang: Lang, cues: readonly { start: number; end: number }[]): boolean {
  if (cues.length === 0) return false;
  const map = clauseMap(tokens, lang);
  for (const { start, end } of cues) {
    const part = map.partOf[start] ?? -1;
    const to = part >= 0 ? map.parts[part]!.to : end;
    if (to > end && hasValence(tokens.slice(end, to), lang, -1)) return true;
  }
  return false;
}

function scareQuoteIrony(tokens: readonly Token[], lang: Lang, sentiment: Sentiment): boolean {
  if (!hasNegative(sentiment)) return false;
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    if (open.kind !== 'punct' || !QUOTES.test(open.text)) continue;
    // One to three words, then a closing quote.
    let j = i + 1;
    while (j < tokens.length && j - i <= 4 && isWord(tokens[j])) j++;
    const close = tokens[j];
    if (j - i < 2 || j - i > 4 || close === undefined || close.kind !== 'punct' || !QUOTES.test(close.text)) continue;
    if (hasValence(tokens.slice(i + 1, j), lang, 1)) return true;
    i = j;
  }
  return false;
}
