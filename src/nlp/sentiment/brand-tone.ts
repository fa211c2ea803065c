// Tone toward each brand a mention names (issue 16, `analysis.sentiment.byBrand`). The brands'
// query words locate each target in the tokens; the structure of the sentence assigns the tone:
//
//  - a switch: "switched from A to B", "left A for B", "J'ai quitté A pour B", "passé de A à B":
//    A negative, B positive (unless what follows B says otherwise);
//  - a preference: "prefer A to B", "A over B", "A rather than B", "A instead of B",
//    "je préfère A à B", "A plutôt que B", "mieux vaut A que B": A positive, B negative;
//  - a comparison: "A is (much) better / worse / more reliable / cheaper than B", "A est bien
//    meilleur / pire / plus fiable que B", "A is not as good as B", "unlike A, B ...",
//    "contrairement à A", "compared to A": the compared side gets the comparison's sign, the other
//    side the opposite;
//  - otherwise each target gets the tone of its own clause: the sentence is cut between two
//    targets at the last contrast word ("but", "whereas", "mais", "alors que"...), else at the last
//    comma, colon or "and"/"et", and each part is scored by the full sentiment (rules and model);
//    a sentence that names no target speaks of the last one named.
// A target the text does not spell out (a handle the cleaning removed) gets the mention's tone.
import type { BrandSentiment, Lang, Sentiment, SentimentLabel } from '../../core/types.js';
import { fold } from '../normalize.js';
import type { Token } from '../tokenize.js';
import { withVerdicts } from './brand-verdicts.js';

/** A brand as tone targeting sees it: the words of its query (folded), single words or phrases. */
export interface ToneTarget {
  id: string;
  /** Each entry a word sequence ("acme", ["acme", "bank"]). */
  phrases: string[][];
  /** Word prefixes of `livr*`-style query terms. */
  prefixes?: string[];
}

export type BrandTone = BrandSentiment;

export type SpanScorer = (tokens: readonly Token[]) => Sentiment;

const SENTENCE_END = new Set(['.', '!', '?', ';', '…', '\n']);
const CONTRAST = new Set(['but', 'however', 'whereas', 'while', 'although', 'though', 'yet', 'mais', 'alors', 'tandis', 'pourtant', 'cependant', 'sinon', 'contre']);
const SOFT_CUT = new Set([',', ':', '-', '–', '—', '(', ')', '/']);
const AND = new Set(['and', 'et', '&', 'plus', 'also', 'aussi']);
/** Clause openers that start another clause: "after", "when", "now", "après", "quand", "puis". */
const SUBORDINATE = new Set(['after', 'when', 'since', 'because', 'until', 'then', 'now', 'après', 'apres', 'quand', 'puis', 'maintenant', 'depuis', 'car', 'parce', 'lorsque', 'avant', "jusqu'", 'jusqu', 'till']);
/** After a switch, what says the switch was wrong ("switching to B was a mistake"). */
const REGRET = /\b(mistake|regret\w*|erreur|regrett?\w*|worse|pire|bad idea|mauvaise idée)\b/u;
/** "I used to love A": the habit is over, the tone is reversed. */
const PAST_HABIT = /\b(used to|avant j|auparavant|before i|à l'époque)/u;
/** "A never has", "B jamais": an elliptic clause that says the opposite of the one before it. */
const ELLIPTIC_NEGATION = new Set(['never', 'not', "n't", 'jamais', 'pas', 'no', 'moins', 'less']);
/** "Umbrella from now on.", "La Fnac désormais.": the brand chosen after a complaint about another. */
const FROM_NOW_ON = new Set(['désormais', 'desormais', 'dorénavant', 'instead', 'now', 'maintenant']);
const AUXILIARIES = new Set(['has', 'have', 'had', 'does', 'do', 'did', 'is', 'was', 'will', 'would', 'could', 'can', 'ne', "n'", 'non', 'plus', 'lui', 'eux', 'a', 'est', 'fait', 'so', 'much', 'beaucoup', 'tant', 'du', 'tout', 'really', 'vraiment', 'that', 'as', 'from', 'on', "l'", 'le', 'la', 'it', 'one', 'them', 'they', 'are', 'were', 'sont', 'était']);

const SWITCH_VERBS = new Set([
  'switch', 'switched', 'switching', 'move', 'moved', 'moving', 'went', 'go', 'going', 'change', 'changed', 'changing', 'migrate', 'migrated', 'jump', 'jumped',
  'leave', 'left', 'leaving', 'ditch', 'ditched', 'drop', 'dropped', 'dump', 'dumped', 'quit', 'quitting', 'abandon', 'abandoned', 'cancel', 'cancelled', 'canceled', 'traded', 'trade', 'replace', 'replaced',
  'quitte', 'quitter', 'quittee', 'quitté', 'quittée', 'passe', 'passé', 'passer', 'passee', 'change', 'changé', 'changer', 'abandonne', 'abandonné', 'abandonner', 'lache', 'lâché', 'lacher', 'lâcher', 'resilie', 'résilié', 'résilier', 'troque', 'troqué', 'remplace', 'remplacé', 'parti', 'partie', 'partis',
]);
/** "from A to B" / "de A à B" / "A pour B" / "A for B" / "A with B" (replaced A with B). */
const TO_WORDS = new Set(['to', 'for', 'with', 'pour', 'a', 'à', 'vers', 'chez', 'by', 'par', 'contre']);
/** "A ne vaut pas B", "A doesn't match B", "A n'égale pas B": negated, A is the lesser. */
const EQUALS = new Set(['vaut', 'valent', 'égale', 'egale', 'match', 'matches', 'equal', 'equals', 'rival', 'rivals', 'compare']);
const PREFER = new Set(['rather', 'prefer', 'prefers', 'preferred', 'préfère', 'préfères', 'préférons', 'préfèrent', 'préféré', 'prefere', 'preferer', 'préférer', 'choose', 'chose', 'choisis', 'choisi', 'recommend', 'recommande']);
const OVER_WORDS = new Set(['over', 'instead', 'rather', 'plutôt', 'plutot', 'lieu', 'versus', 'vs', 'than', 'que', 'qu', "qu'", 'à', 'a', 'to']);
const BEATS = new Set(['beat', 'beats', 'beating', 'crush', 'crushes', 'outperform', 'outperforms', 'trump', 'trumps', 'destroy', 'destroys', 'smoke', 'smokes', 'outclass', 'outclasses', 'bat', 'écrase', 'ecrase', 'surpasse', 'enterre', 'dépasse', 'depasse']);
const POSITIVE_COMPARATIVES = new Set([
  'better', 'superior', 'faster', 'cheaper', 'easier', 'nicer', 'friendlier', 'quicker', 'smoother', 'stronger', 'clearer', 'safer', 'simpler', 'kinder', 'smarter', 'greater', 'happier', 'best',
  'meilleur', 'meilleure', 'meilleurs', 'meilleures', 'mieux', 'supérieur', 'superieur', 'supérieure', 'superieure',
]);
const NEGATIVE_COMPARATIVES = new Set([
  'worse', 'inferior', 'slower', 'pricier', 'costlier', 'harder', 'weaker', 'ruder', 'worst', 'dearer',
  'pire', 'pires', 'inférieur', 'inferieur', 'inférieure', 'inferieure',
]);
const MORE = new Set(['more', 'plus']);
const LESS = new Set(['less', 'moins', 'fewer']);
const NEGATORS = new Set(['not', "n't", 'never', 'no', 'pas', 'jamais', 'ne', "n'", 'nowhere', 'nothing', 'isnt', 'isn', 'aint']);
const UNLIKE = new Set(['unlike', 'contrairement', 'compared', 'comparé', 'compare', 'comparée', 'versus', 'vs', 'rapport', 'côté', 'cote', 'next']);

function label(score: number): SentimentLabel {
  return score >= 0.1 ? 'positive' : score <= -0.1 ? 'negative' : 'neutral';
}

function round(x: number): number {
  const r = Math.round(x * 1000) / 1000;
  return r === 0 ? 0 : r;
}

function wordOf(t: Token): string {
  return fold(t.lower).replace(/^[@#]/, '');
}

/** Where each target occurs: token index ranges [start, end). */
export function locateTargets(tokens: readonly Token[], targets: readonly ToneTarget[]): Map<string, [number, number][]> {
  const words = tokens.map((t) => (t.kind === 'word' || t.kind === 'number' ? wordOf(t) : ''));
  const out = new Map<string, [number, number][]>();
  for (const target of targets) {
    const at: [number, number][] = [];
    for (let i = 0; i < words.length; i++) {
      if (words[i] === '') continue;
      let hit = 0;
      for (const p of target.phrases) {
        if (p.length === 0 || p.length <= hit) continue;
        let ok = true;
        for (let j = 0; j < p.length && ok; j++) {
          const w = words[i + j];
          // A possessive or a plural of the brand name still names it ("Acme's", "Acmes").
          ok = w !== undefined && (w === p[j] || (j === p.length - 1 && (w === `${p[j]}s` || w === `${p[j]}'s`)));
        }
        if (ok) hit = p.length;
      }
      if (hit === 0 && target.prefixes?.some((p) => words[i]!.startsWith(p))) hit = 1;
      if (hit > 0) {
        at.push([i, i + hit]);
        i += hit - 1;
      }
    }
    if (at.length > 0) out.set(target.id, at);
  }
  return out;
}

interface Occurrence {
  id: string;
  start: number;
  end: number;
}

interface Vote {
  score: number;
  confidence: number;
}

const near = (tokens: readonly Token[], from: number, to: number, set: ReadonlySet<string>): number => {
  for (let i = Math.max(0, from); i < Math.min(tokens.length, to); i++) if (set.has(wordOf(tokens[i]!)) || set.has(tokens[i]!.lower)) return i;
  return -1;
};

/**
 * The sign of a comparison between positions `from` and `to` (the words between the compared
 * target and "than"/"que"): +1 better, −1 worse, 0 none. "not as good as" is −1.
 */
function comparisonSign(tokens: readonly Token[], from: number, to: number, score: SpanScorer, lang: Lang): number {
  let sign = 0;
  let negated = false;
  let lessSeen = false;
  let moreSeen = false;
  for (let i = from; i < to; i++) {
    const w = wordOf(tokens[i]!);
    if (NEGATORS.has(w) || NEGATORS.has(tokens[i]!.lower)) negated = true;
    if (POSITIVE_COMPARATIVES.has(w) || POSITIVE_COMPARATIVES.has(tokens[i]!.lower)) sign = 1;
    else if (NEGATIVE_COMPARATIVES.has(w) || NEGATIVE_COMPARATIVES.has(tokens[i]!.lower)) sign = -1;
    else if (LESS.has(w)) lessSeen = true;
    else if (MORE.has(w)) moreSeen = true;
  }
  if (sign === 0) {
    // "more reliable", "plus cher", "less friendly": the tone of the compared quality.
    const s = score(tokens.slice(from, to).filter((t) => !MORE.has(wordOf(t)) && !LESS.has(wordOf(t)) && !NEGATORS.has(wordOf(t))));
    sign = s.score > 0.05 ? 1 : s.score < -0.05 ? -1 : moreSeen || lessSeen ? 0 : lang === 'en' && /er$/.test(wordOf(tokens[Math.max(from, to - 1)]!)) ? 1 : 0;
    if (lessSeen) sign = -sign;
  }
  return negated ? -sign || -1 : sign;
}

/** Tone votes from the structure of one sentence naming two or more targets; undefined: none found. */
function structural(tokens: readonly Token[], occ: readonly Occurrence[], score: SpanScorer, lang: Lang, start: number, end: number): Map<string, Vote> | undefined {
  for (let a = 0; a < occ.length; a++) {
    for (let b = a + 1; b < occ.length; b++) {
      const A = occ[a]!;
      const B = occ[b]!;
      if (A.id === B.id) continue;
      const between = (set: ReadonlySet<string>): number => near(tokens, A.end, B.start, set);
      const votes = (sa: number, sb: number, confidence = 0.8): Map<string, Vote> => new Map([[A.id, { score: sa, confidence }], [B.id, { score: sb, confidence }]]);
      // Switch: a switching verb before A (within 4 words), then "to/for/pour/à" between A and B.
      const verb = near(tokens, Math.max(start, A.start - 4), A.start, SWITCH_VERBS);
      if (verb >= 0 && between(TO_WORDS) >= 0 && B.start - A.end <= 4) {
        const rest = tokens.slice(B.end, end);
        const restWords = rest.map((t) => t.lower);
        // "no regrets", "je ne regrette pas" confirm the switch.
        if (REGRET.test(restWords.join(' ')) && !restWords.some((w) => NEGATORS.has(w) || w === 'aucun' || w === 'sans')) return votes(0.6, -0.6);
        return votes(-0.6, 0.6);
      }
      // "replaced A with B", "traded A for B" are switches too; "A beats B".
      if (between(BEATS) >= 0) return votes(0.6, -0.6);
      // Preference: "prefer A to/over B", "A over B", "A rather than B", "A plutôt que B".
      const prefer = near(tokens, Math.max(start, A.start - 4), A.start, PREFER);
      const overAt = between(OVER_WORDS);
      if (overAt >= 0 && B.start - A.end <= 3) {
        const over = wordOf(tokens[overAt]!);
        const strongOver = over === 'over' || over === 'instead' || over === 'rather' || over === 'plutot' || over === 'lieu';
        if (prefer >= 0 || strongOver) return votes(0.6, -0.6);
      }
      // Comparison: "A ... better ... than B", "A ... plus fiable que B", "A not as good as B".
      const than = between(new Set(['than', 'que', "qu'", 'qu', 'as', 'aussi', 'autant']));
      if (than >= 0) {
        const w = wordOf(tokens[than]!);
        const from = w === 'as' || w === 'aussi' || w === 'autant' ? A.end : A.end;
        let to = than;
        // "as good as": the first "as" opens the quality, the second closes it.
        if (w === 'as' || w === 'aussi' || w === 'autant') {
          const close = near(tokens, than + 1, B.start, new Set(['as', 'que', "qu'", 'qu']));
          if (close < 0) continue;
          const s = comparisonSign(tokens, from, close, score, lang);
          const negated = near(tokens, A.end, than, NEGATORS) >= 0;
          if (!negated) continue; // "as good as": both alike, let the clause decide
          return votes(-0.6 * Math.abs(s || 1), 0.6 * Math.abs(s || 1));
        }
        const s = comparisonSign(tokens, from, to, score, lang);
        if (s !== 0) return votes(0.6 * s, -0.6 * s);
      }
      // "Mieux vaut A que B", "better A than B": the comparative comes before A.
      if (near(tokens, Math.max(start, A.start - 2), A.start, new Set(['mieux', 'better', 'plutôt', 'plutot'])) >= 0 && between(new Set(['que', "qu'", 'qu', 'than'])) >= 0) return votes(0.6, -0.6);
      // "A ne vaut pas B", "A doesn't match B".
      if (between(EQUALS) >= 0 && between(NEGATORS) >= 0) return votes(-0.6, 0.6);
      // "A is superior to B", "A est supérieur à B".
      if (B.start - A.end <= 6) {
        const sup = between(new Set(['superior', 'inferior', 'supérieur', 'superieur', 'supérieure', 'inférieur', 'inferieur', 'inférieure', 'preferable', 'préférable']));
        if (sup >= 0) {
          const w = wordOf(tokens[sup]!);
          const sign = /^(superior|sup|pref|préf)/.test(w) ? 1 : -1;
          return votes(0.6 * sign, -0.6 * sign);
        }
      }
      // "Unlike A, B is great", "Contrairement à A, B ...", "Compared to A, B ...".
      const unlike = near(tokens, Math.max(start, A.start - 3), A.start, UNLIKE);
      if (unlike >= 0) {
        const s = score(tokens.slice(B.start, end));
        if (Math.abs(s.score) >= 0.1) return votes(-s.score, s.score, s.confidence);
      }
      // "B is amazing, unlike A's", "A is a joke compared to B": the side after "unlike" gets
      // the opposite of the clause before it.
      const unlikeB = near(tokens, Math.max(A.end, B.start - 3), B.start, UNLIKE);
      if (unlikeB >= 0) {
        const s = score(tokens.slice(start, unlikeB));
        if (Math.abs(s.score) >= 0.1) return votes(s.score, -s.score, s.confidence);
      }
    }
  }
  return undefined;
}

/**
 * The tone of one clause about a target: its sentiment, reversed after "used to"/"avant", and for
 * an elliptic negation ("Globex never has.", "Lidl jamais.") the opposite of the clause before.
 */
function spanTone(span: readonly Token[], score: SpanScorer, previous: Sentiment | undefined, previousLemmas: ReadonlySet<string> = new Set()): Sentiment {
  const words = span.filter((t) => t.kind === 'word');
  const lower = words.map((t) => t.lower);
  const opposite = (p: Sentiment): Sentiment => ({ ...p, score: -p.score, label: p.label === 'positive' ? 'negative' : 'positive' });
  if (previous !== undefined && Math.abs(previous.score) >= 0.1 && words.length <= 6 && lower.some((w) => ELLIPTIC_NEGATION.has(w))) {
    // What is left once the brand, the negation and the auxiliaries are set aside: nothing ("A
    // never has"), or the previous clause's own words ("A delivered on time, B never delivered").
    const rest = words.slice(1).filter((t) => !ELLIPTIC_NEGATION.has(t.lower) && !AUXILIARIES.has(t.lower));
    if (rest.length === 0 || (words.length <= 5 && rest.every((t) => previousLemmas.has(t.lemma || t.lower)))) return opposite(previous);
  }
  if (previous !== undefined && previous.score <= -0.1 && words.length <= 5 && lower.some((w) => FROM_NOW_ON.has(w)) && Math.abs(score(span).score) < 0.1) return opposite(previous);
  const s = score(span);
  if (PAST_HABIT.test(lower.join(' ')) && Math.abs(s.score) >= 0.1) return { ...s, score: -s.score, label: s.score > 0 ? 'negative' : 'positive' };
  return s;
}

/**
 * Tone toward each target a text names. `whole`: the mention's own sentiment (what a target the
 * text does not spell out gets); `score`: the sentiment of a span of tokens (the full pipeline).
 */
export function toneByTarget(tokens: readonly Token[], lang: Lang, targets: readonly ToneTarget[], whole: Sentiment, sentenceScore: SpanScorer): Record<string, BrandTone> {
  // Each clause's colloquial verdicts ("au top", "à la ramasse", "bof") on top of the scorer's tone.
  const score: SpanScorer = (span) => withVerdicts(span, sentenceScore(span), lang);
  const located = locateTargets(tokens, targets);
  const out: Record<string, BrandTone> = {};
  const mentionTone: BrandTone = { score: whole.score, label: whole.label === 'mixed' ? 'neutral' : whole.label, confidence: whole.confidence };
  if (located.size <= 1) {
    for (const t of targets) out[t.id] = { ...mentionTone };
    return out;
  }
  const occurrences: Occurrence[] = [];
  for (const [id, ranges] of located) for (const [s, e] of ranges) occurrences.push({ id, start: s, end: e });
  occurrences.sort((x, y) => x.start - y.start);
  const votes = new Map<string, Vote[]>();
  const vote = (id: string, v: Vote): void => {
    const list = votes.get(id) ?? [];
    list.push(v);
    votes.set(id, list);
  };
  // Sentences.
  const sentences: [number, number][] = [];
  let s0 = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind === 'punct' && SENTENCE_END.has(tokens[i]!.text)) {
      if (i + 1 > s0) sentences.push([s0, i + 1]);
      s0 = i + 1;
    }
  }
  if (s0 < tokens.length) sentences.push([s0, tokens.length]);
  let lastId: string | undefined;
  let previousSentence: Sentiment | undefined;
  let sentenceLemmas = new Set<string>();
  for (const [start, end] of sentences) {
    const occ = occurrences.filter((o) => o.start >= start && o.end <= end);
    if (occ.length === 0) {
      if (lastId !== undefined) {
        const s = score(tokens.slice(start, end));
        if (Math.abs(s.score) >= 0.1) vote(lastId, { score: s.score, confidence: s.confidence });
      }
      continue;
    }
    const ids = [...new Set(occ.map((o) => o.id))];
    lastId = occ[occ.length - 1]!.id;
    if (ids.length === 1) {
      const s = spanTone(tokens.slice(start, end), score, previousSentence, sentenceLemmas);
      previousSentence = s;
      sentenceLemmas = new Set(tokens.slice(start, end).map((t) => t.lemma || t.lower));
      vote(ids[0]!, { score: s.score, confidence: s.confidence });
      continue;
    }
    previousSentence = undefined;
    const structure = structural(tokens, occ, score, lang, start, end);
    if (structure !== undefined) {
      for (const [id, v] of structure) vote(id, v);
      // A target the structure did not place gets its clause below.
      if (ids.every((id) => structure.has(id))) continue;
    }
    // Clauses: cut between consecutive different targets.
    const cuts: number[] = [start];
    for (let k = 0; k + 1 < occ.length; k++) {
      const A = occ[k]!;
      const B = occ[k + 1]!;
      if (A.id === B.id) continue;
      let cut = -1;
      for (const set of [CONTRAST, SUBORDINATE, SOFT_CUT, AND]) {
        for (let i = B.start - 1; i >= A.end; i--) {
          const t = tokens[i]!;
          if (set.has(t.lower) || set.has(t.text)) {
            cut = i;
            break;
          }
        }
        if (cut >= 0) break;
      }
      if (cut >= 0) cuts.push(cut);
    }
    cuts.push(end);
    let previous: Sentiment | undefined;
    let previousLemmas = new Set<string>();
    for (let c = 0; c + 1 < cuts.length; c++) {
      const from = cuts[c]!;
      let to = cuts[c + 1]!;
      const here = [...new Set(occ.filter((o) => o.start >= from && o.start < to).map((o) => o.id))];
      if (here.length === 0) continue;
      // "A and B are awful", "A, B: same thing": a target alone before "and" or a comma shares
      // the clause that follows.
      const words = tokens.slice(from, to).filter((t, i) => t.kind === 'word' && !occ.some((o) => from + i >= o.start && from + i < o.end) && !AND.has(t.lower));
      if (words.length === 0 && c + 2 < cuts.length) to = cuts[c + 2]!;
      const s = spanTone(tokens.slice(from, to), score, previous, previousLemmas);
      previous = s;
      previousLemmas = new Set(tokens.slice(from, to).map((t) => t.lemma || t.lower));
      for (const id of here) if (!structure?.has(id)) vote(id, { score: s.score, confidence: s.confidence });
    }
  }
  for (const t of targets) {
    const list = votes.get(t.id);
    if (list === undefined || list.length === 0) {
      out[t.id] = { ...mentionTone };
      continue;
    }
    let sum = 0;
    let conf = 0;
    for (const v of list) {
      sum += v.score;
      conf = Math.max(conf, v.confidence);
    }
    const sc = Math.max(-1, Math.min(1, sum / Math.sqrt(list.length)));
    out[t.id] = { score: round(sc), label: label(sc), confidence: round(conf) };
  }
  return out;
}
