// Tone toward each brand a mention names (issue 16, `analysis.sentiment.byBrand`). The brands'
// query words locate each target in the tokens; the structure of the sentence assigns the tone:
//
//  - a switch: "switched from A to B", "left A for B", "J'ai quitté A pour B", "passé de A à B",
//    "A was dirty, we moved to B": A negative, B positive (reversed when regretted, before or after:
//    "je regrette d'avoir quitté A pour B", "switching to B was a mistake");
//  - an idiom of comparison: "A can't hold a candle to B", "A n'arrive pas à la cheville de B";
//  - a preference: "prefer A to B", "A over B", "A rather than B", "A instead of B",
//    "je préfère A à B", "A plutôt que B", "mieux vaut A que B": A positive, B negative;
//  - a comparison: "A is (much) better / worse / more reliable / cheaper than B", "A est bien
//    meilleur / pire / plus fiable que B", "A is not as good as B", "unlike A, B ...",
//    "contrairement à A", "compared to A": the compared side gets the comparison's sign, the other
//    side the opposite;
//  - otherwise each target gets the tone of its own clause: the sentence is cut between two
//    targets at the last contrast word ("but", "whereas", "mais", "alors que"...), else at the last
//    comma, colon or "and"/"et", and each part is scored by the full sentiment (rules and model);
//    a sentence that names no target speaks of the last one named; a sentence cut by "but"/"mais"
//    is read part by part (a concession after a comparison weighs in);
//  - then neighbouring clauses about two named brands are read together (readNeighbours): an
//    implied contrast, faint praise conceded to a stronger one.
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
const TO_WORDS = new Set(['to', 'for', 'with', 'pour', 'a', 'à', 'au', 'aux', 'vers', 'chez', 'by', 'par', 'contre']);
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
/** Words that make a "que" comparative ("plus fiable que", "pire que"); without one, "que" is a conjunction ("jusqu'à ce que"). */
const COMPARATIVE_MARKERS = new Set([...MORE, ...LESS, 'aussi', 'autant', 'tant', 'mieux', 'pire', 'pires', 'meilleur', 'meilleure', 'meilleurs', 'meilleures', 'moindre', 'supérieur', 'superieur', 'inférieur', 'inferieur', 'préfère', 'prefere', 'préférer', 'preferer', 'plutôt', 'plutot']);
/** "twice as much as", "deux fois plus cher que": a multiplier makes "as … as" a comparison of more. */
const MULTIPLIERS = new Set(['twice', 'thrice', 'times', 'double', 'triple', 'fois']);
/** What a price comparison is about: costing more is worse ("costs twice as much as"). */
const COST_WORDS = new Set(['cost', 'costs', 'costing', 'charge', 'charges', 'expensive', 'pricey', 'price', 'prices', 'coûte', 'coute', 'coûtent', 'coutent', 'cher', 'chère', 'chere', 'chers', 'chères', 'prix', 'facture']);
/** "could be better", "pourrait être mieux": a comparative under a modal is a wish, the opposite verdict. */
const MODALS = new Set(['could', 'should', 'would', 'might', 'pourrait', 'pourraient', 'devrait', 'devraient', 'aurait', 'auraient']);
/** "A did what B never could", "A a réglé ce qu'Acme n'a jamais su faire". */
const WHAT_WORDS = new Set(['what', 'ce']);
/** "why would anyone use A when B …", "pourquoi rester chez A quand B …". */
const WHY = new Set(['why', 'pourquoi']);
const WHEN = new Set(['when', 'if', 'while', 'quand', 'si', 'alors', 'lorsque']);
/** Words that say two brands are alike ("Hooli and Initech both", "celui de B aussi"): no implied contrast. */
const SAME = new Set(['too', 'also', 'both', 'either', 'neither', 'likewise', 'same', 'aussi', 'également', 'egalement', 'pareil', 'pareille', 'pareillement', 'même', 'meme', 'idem', 'ditto', 'similar', 'similaire']);
/** Words an elliptic "B too" / "celui de B aussi" may carry besides the brand and SAME. */
const ELLIPSIS_FILLER = new Set(['celui', 'celle', 'ceux', 'celles', 'de', "d'", 'du', 'des', 'that', 'those', 'of', "'s", 'as', 'well', 'so', 'does', 'do', 'did', 'is', 'are', 'was', 'were', 'has', 'have', 'en', 'pour', 'for', 'chez', 'at', 'with', 'avec']);
/** Praise that concedes ("Initech is fine but Hooli is better", "Renault c'est correct, mais…"). */
const FAINT = new Set(['okay', 'ok', 'fine', 'decent', 'alright', 'acceptable', 'passable', 'correct', 'correcte', 'convenable', 'bien', 'moyen', 'honnête', 'honnete']);
const INTENSIFIERS = new Set(['very', 'really', 'so', 'super', 'truly', 'très', 'tres', 'vraiment', 'trop', 'tellement', 'hyper', 'extrêmement', 'extremement', 'vachement', 'hyper', 'absolument']);
/**
 * Idioms of comparison between the two brands ("A can't hold a candle to B", "A n'arrive pas à la
 * cheville de B", "A runs circles around B", "A a une longueur d'avance sur B"): the sign for A (the
 * first named), B the opposite. Read on the folded words between the two, apostrophes as spaces.
 */
const COMPARISON_IDIOMS: [RegExp, number][] = [
  [/\b(ca n t|can t|cannot|could n t|couldn t|does n t|doesn t|do n t|don t|does not|do not|wo n t|won t) (even )?(hold a candle|compare|come close|compete)\b/, -1],
  [/\b(is|are|was|were) no match for\b/, -1],
  [/\b(pales?|paled) (in comparison|next to|beside)\b/, -1],
  [/\b(falls?|fell) (far )?short of\b/, -1],
  [/\b(lags?|lagging|lagged|trails?|trailing) (far |way )?behind\b/, -1],
  [/\b(light years|miles|way|far|years) behind\b/, -1],
  [/\bhas nothing on\b/, -1],
  [/\b(runs?|running|ran) (rings|circles) (around|round)\b/, 1],
  [/\bblows?\b.*\bout of the water\b/, 1],
  [/\b(light years|miles|way|far|years|head and shoulders) (ahead of|above|better than)\b/, 1],
  [/\bleaves?\b.*\bin the dust\b/, 1],
  [/\b(outshines?|outdoes|outdid|outperformed|outclassed|eclipses?)\b/, 1],
  [/\b(n )?(arrive|arrivent|arrivera) (pas|meme pas|jamais) (a|au) (la )?cheville\b/, -1],
  [/\b(ne )?(tient|tiennent) pas la (comparaison|route)\b/, -1],
  [/\b(fait|font) pale figure\b/, -1],
  [/\b(ne )?(fait|font) pas le poids\b/, -1],
  [/\b(loin|tres loin|bien loin|tres en) (derriere|retard)\b/, -1],
  [/\ben retard sur\b/, -1],
  [/\b(n )?(a|ont) rien a voir avec\b/, 0],
  [/\b(loin|tres loin|bien) devant\b/, 1],
  [/\b(une|des) (longueurs?|annees lumiere) d avance sur\b/, 1],
  [/\b(surclasse|surclassent|eclipse|eclipsent|bat a plate couture|battent a plate couture|met une claque a|enfonce)\b/, 1],
];
/** "Je regrette d'avoir quitté A pour B", "I wish I'd never left A": a switch the writer regrets. */
const REGRET_BEFORE = /\b(regret\w*|wish i (had|d) (never|not)|should (have|ve) stayed|aurais du rester|aurais pas du|j aurais jamais du|quelle erreur|what a mistake)\b/u;
const NOT_REGRET = /\b(no|not|don t|never|ne|pas|aucun|sans|zero) (\w+ )?regret/u;

/** "Hooli: none of the above.", "Carrefour : rien de tout ça.": the opposite of the clause before. */
const NONE_OF_THAT = /\b(none of (the above|that|this|those|it)|rien de (tout )?(ça|ca|cela)|aucun de ces)\b/u;

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

/** The folded words of tokens [from, to), apostrophes and hyphens as spaces ("can't" → "can t"). */
function foldedText(tokens: readonly Token[], from: number, to: number): string {
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(tokens.length, to); i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'number') continue;
    for (const w of fold(t.lower).replace(/[’']/g, ' ').replace(/-/g, ' ').split(/\s+/)) if (w !== '') out.push(w);
  }
  return out.join(' ');
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
function comparisonSign(tokens: readonly Token[], from: number, to: number, score: SpanScorer, lang: Lang, more = false): number {
  let sign = 0;
  let negated = false;
  let lessSeen = false;
  let moreSeen = more;
  let costSeen = false;
  let modal = false;
  for (let i = from; i < to; i++) {
    const w = wordOf(tokens[i]!);
    if (NEGATORS.has(w) || NEGATORS.has(tokens[i]!.lower)) negated = true;
    if (MODALS.has(w)) modal = true;
    if (COST_WORDS.has(w)) costSeen = true;
    if (POSITIVE_COMPARATIVES.has(w) || POSITIVE_COMPARATIVES.has(tokens[i]!.lower)) sign = 1;
    else if (NEGATIVE_COMPARATIVES.has(w) || NEGATIVE_COMPARATIVES.has(tokens[i]!.lower)) sign = -1;
    else if (LESS.has(w)) lessSeen = true;
    else if (MORE.has(w) || MULTIPLIERS.has(w)) moreSeen = true;
  }
  if (sign === 0) {
    // "more reliable", "plus cher", "less friendly": the tone of the compared quality.
    const s = score(tokens.slice(from, to).filter((t) => !MORE.has(wordOf(t)) && !LESS.has(wordOf(t)) && !NEGATORS.has(wordOf(t))));
    sign = s.score > 0.05 ? 1 : s.score < -0.05 ? -1 : moreSeen || lessSeen ? 0 : lang === 'en' && /er$/.test(wordOf(tokens[Math.max(from, to - 1)]!)) ? 1 : 0;
    // "costs twice as much", "coûte plus": a price the scorer reads as neutral; more of it is worse.
    if (sign === 0 && costSeen && (moreSeen || lessSeen)) sign = -1;
    if (lessSeen) sign = -sign;
  }
  // "could be better", "devrait être meilleur": the comparison is a wish, the verdict the opposite.
  if (modal) sign = -sign;
  return negated ? -sign || -1 : sign;
}

/**
 * A comparative inside one clause with no second term ("la Fnac est deux fois moins chère", "McDo
 * fait mieux", "Globex is even better"): its sign, 0 when the clause has no explicit comparative. The
 * sentence names another brand, which is what the comparison is against.
 */
function clauseComparative(tokens: readonly Token[], from: number, to: number, score: SpanScorer, lang: Lang): number {
  let marker = false;
  for (let i = from; i < to && !marker; i++) {
    const w = wordOf(tokens[i]!);
    if (POSITIVE_COMPARATIVES.has(w) || NEGATIVE_COMPARATIVES.has(w)) marker = true;
    else if (MORE.has(w) || LESS.has(w)) {
      // "plus cher", "less reliable"; not "ne … plus", "plus jamais", "plus de", "more of".
      const prev = i > from ? wordOf(tokens[i - 1]!) : '';
      const next = i + 1 < to ? tokens[i + 1]! : undefined;
      marker = next !== undefined && next.kind === 'word' && prev !== 'ne' && prev !== "n'" && !NEGATORS.has(wordOf(next)) && !['de', "d'", 'du', 'des', 'que', "qu'", 'of', 'than', 'and', 'et', 'for', 'pour', 'rien'].includes(wordOf(next));
    }
  }
  return marker ? comparisonSign(tokens, from, to, score, lang) : 0;
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
        // "Je regrette d'avoir quitté A pour B", "I regret leaving A": regretted before it is told.
        const before = foldedText(tokens, start, verb);
        if (REGRET_BEFORE.test(before) && !NOT_REGRET.test(before)) return votes(0.6, -0.6);
        return votes(-0.6, 0.6);
      }
      // Idioms of comparison: "A can't hold a candle to B", "A n'arrive pas à la cheville de B".
      if (B.start - A.end <= 10) {
        const text = foldedText(tokens, A.end, B.start);
        const idiom = COMPARISON_IDIOMS.find(([re]) => re.test(text));
        if (idiom !== undefined && idiom[1] !== 0) return votes(0.6 * idiom[1], -0.6 * idiom[1]);
      }
      // "A was dirty, we moved to B", "Ibis était sale, on est partis au Novotel": a switching verb
      // between the two, right before B; the one left negative unless what follows B is.
      const verbBetween = near(tokens, Math.max(A.end, B.start - 3), B.start, SWITCH_VERBS);
      if (verbBetween >= 0 && near(tokens, verbBetween + 1, B.start, TO_WORDS) >= 0) {
        const rest = tokens.slice(B.end, end);
        const restTone = rest.length > 1 ? score(rest).score : 0;
        if (!REGRET.test(rest.map((t) => t.lower).join(' ')) && restTone > -0.1) return votes(-0.6, 0.6);
      }
      // "replaced A with B", "traded A for B" are switches too; "A beats B".
      if (between(BEATS) >= 0) return votes(0.6, -0.6);
      // "A finally fixed what B never could", "A a réglé ce qu'B n'a jamais su faire".
      const what = between(WHAT_WORDS);
      if (what >= 0 && B.start - what <= 3 && near(tokens, B.end, Math.min(end, B.end + 4), NEGATORS) >= 0) return votes(0.6, -0.6);
      // "Why would anyone still use A when B is this good?": A gets the opposite of B's clause.
      if (near(tokens, start, Math.min(start + 2, A.start), WHY) >= 0) {
        const when = between(WHEN);
        if (when >= 0) {
          const s = score(tokens.slice(when, end));
          if (Math.abs(s.score) >= 0.1) return votes(-s.score, s.score, s.confidence);
        }
      }
      // Preference: "prefer A to/over B", "A over B", "A rather than B", "A plutôt que B".
      const prefer = near(tokens, Math.max(start, A.start - 4), A.start, PREFER);
      const overAt = between(OVER_WORDS);
      if (overAt >= 0 && B.start - A.end <= 3) {
        const over = wordOf(tokens[overAt]!);
        const strongOver = over === 'over' || over === 'instead' || over === 'rather' || over === 'plutot' || over === 'lieu';
        if (prefer >= 0 || strongOver) return votes(0.6, -0.6);
      }
      // "Je préfère payer plus cher chez A que subir encore B", "I'd rather pay more at A than deal
      // with B": the preference verb further before A, "que"/"than" before B.
      if (near(tokens, Math.max(start, A.start - 8), A.start, PREFER) >= 0 && B.start - A.end <= 8 && between(new Set(['que', "qu'", 'qu', 'than', 'over', 'plutôt', 'plutot'])) >= 0) return votes(0.6, -0.6);
      // Comparison: "A ... better ... than B", "A ... plus fiable que B", "A not as good as B".
      const than = between(new Set(['than', 'que', "qu'", 'qu', 'as', 'aussi', 'autant']));
      // "que" without a comparative before it is a conjunction ("jusqu'à ce que", "alors que").
      const conjunction = than >= 0 && ['que', "qu'", 'qu'].includes(wordOf(tokens[than]!)) && near(tokens, A.end, than, COMPARATIVE_MARKERS) < 0;
      if (than >= 0 && !conjunction) {
        const w = wordOf(tokens[than]!);
        const from = w === 'as' || w === 'aussi' || w === 'autant' ? A.end : A.end;
        let to = than;
        // "as good as": the first "as" opens the quality, the second closes it.
        if (w === 'as' || w === 'aussi' || w === 'autant') {
          const close = near(tokens, than + 1, B.start, new Set(['as', 'que', "qu'", 'qu']));
          if (close < 0) continue;
          const multiplied = near(tokens, Math.max(A.end, than - 2), than, MULTIPLIERS) >= 0;
          const s = comparisonSign(tokens, from, close, score, lang, multiplied);
          const negated = near(tokens, A.end, than, NEGATORS) >= 0;
          // "costs twice as much as B": a comparison of more, not of likeness.
          if (multiplied && !negated && s !== 0) return votes(0.6 * s, -0.6 * s);
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
      // ("contrairement à celui de B", "unlike that of B": up to five words before B.)
      const unlikeB = near(tokens, Math.max(A.end, B.start - 5), B.start, UNLIKE);
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
 * an elliptic negation ("Globex never has.", "Lidl jamais.", "Bouygues ne l'est pas", "Hooli: none
 * of the above") the opposite of the clause before.
 */
function spanTone(span: readonly Token[], score: SpanScorer, previous: Sentiment | undefined, previousLemmas: ReadonlySet<string>, isTarget: (t: Token) => boolean): Sentiment {
  const words = span.filter((t) => t.kind === 'word');
  const lower = words.map((t) => t.lower);
  const opposite = (p: Sentiment): Sentiment => ({ ...p, score: -p.score, label: p.label === 'positive' ? 'negative' : 'positive' });
  if (previous !== undefined && Math.abs(previous.score) >= 0.1) {
    if (words.length <= 8 && NONE_OF_THAT.test(lower.join(' '))) return opposite(previous);
    // "… et celui de Cdiscount aussi", "Hooli's is too", "so does B": the tone of the clause before.
    if (words.length <= 7 && lower.some((w) => SAME.has(w)) && words.every((t) => isTarget(t) || SAME.has(t.lower) || ELLIPSIS_FILLER.has(t.lower) || AND.has(t.lower) || AUXILIARIES.has(t.lower))) return previous;
    if (words.length <= 6 && lower.some((w) => ELLIPTIC_NEGATION.has(w))) {
      // What is left once the brand, the negation, the auxiliaries and the joining word are set
      // aside: nothing ("A never has", "et B ne l'est pas"), or the previous clause's own words ("A
      // delivered on time, B never delivered").
      const rest = words.filter((t) => !isTarget(t) && !ELLIPTIC_NEGATION.has(t.lower) && !AUXILIARIES.has(t.lower) && !AND.has(t.lower) && !CONTRAST.has(t.lower));
      if (rest.length === 0 || (words.length <= 5 && rest.every((t) => previousLemmas.has(t.lemma || t.lower)))) return opposite(previous);
    }
  }
  if (previous !== undefined && previous.score <= -0.1 && words.length <= 5 && lower.some((w) => FROM_NOW_ON.has(w)) && Math.abs(score(span).score) < 0.1) return opposite(previous);
  const s = score(span);
  if (PAST_HABIT.test(lower.join(' ')) && Math.abs(s.score) >= 0.1) return { ...s, score: -s.score, label: s.score > 0 ? 'negative' : 'positive' };
  return s;
}

/** How a clause joins the one before it. */
type Joint = 'sentence' | 'contrast' | 'subordinate' | 'soft' | 'and';

/** One clause about one or more targets, in text order, before the pass that reads neighbours. */
interface Clause {
  ids: string[];
  tone: Sentiment;
  from: number;
  to: number;
  joint: Joint;
  /** Where its first target starts. */
  targetAt: number;
  /** The sentence it belongs to. */
  sentence: [number, number];
  /** Its tone comes from a comparative of its own ("McDo fait mieux"). */
  comparative?: boolean;
}

const hasWord = (tokens: readonly Token[], from: number, to: number, set: ReadonlySet<string>): boolean => near(tokens, from, to, set) >= 0;

/** Praise that concedes: a faint word ("fine", "correct", "c'est bien") without an intensifier before it. */
function isFaint(tokens: readonly Token[], c: Clause): boolean {
  if (c.tone.score < 0.1 || c.tone.score >= 0.5) return false;
  for (let i = c.from; i < c.to; i++) {
    const w = wordOf(tokens[i]!);
    if (!FAINT.has(w) && !(w === 'mal' && i > c.from && wordOf(tokens[i - 1]!) === 'pas') && !(w === 'bad' && i > c.from && wordOf(tokens[i - 1]!) === 'not')) continue;
    const before = i > c.from ? wordOf(tokens[i - 1]!) : '';
    if (!INTENSIFIERS.has(before)) return true;
  }
  return false;
}

/** A reporting clause ("…," Cruz said; selon Orange): the speaker of a quote is not judged by it. */
const REPORTING = new Set(['said', 'says', 'say', 'told', 'tells', 'added', 'wrote', 'writes', 'asked', 'according', 'stated', 'declared', 'announced', 'argued', 'claimed', 'noted', 'dit', 'déclaré', 'declare', 'affirme', 'affirmé', 'selon', 'estime', 'annonce', 'annoncé', 'explique', 'expliqué', 'ajoute', 'ajouté']);
function reported(tokens: readonly Token[], c: Clause): boolean {
  // The whole sentence: "Jones said he hasn't yet spoken to Boehner" reports in another clause.
  for (let i = c.sentence[0]; i < c.sentence[1]; i++) if (REPORTING.has(tokens[i]!.lower) || /^["“”«»]$/u.test(tokens[i]!.text)) return true;
  return false;
}

/**
 * Two neighbouring clauses about different brands read together (a comparison between two named
 * brands is rarely neutral): "Cyberdyne's delivery was late again, Umbrella got mine in two days":
 * a clause the scorer reads as neutral, beside a polar clause about the other brand, takes the
 * opposite tone (an implied contrast), unless a word says the two are alike ("both", "aussi") or
 * they are coordinated by "and"/"et" (which adds more often than it opposes); and "Initech is fine
 * but Hooli is better": faint praise conceded before (or after) a stronger praise is neutral.
 * Only the clause scores decide, never the other way round: a re-read clause does not re-read its
 * other neighbour.
 */
function readNeighbours(tokens: readonly Token[], clauses: readonly Clause[]): number[] {
  const out = clauses.map((c) => c.tone.score);
  const weak = (c: Clause): boolean => Math.abs(c.tone.score) < 0.1 && !reported(tokens, c);
  const wordCount = (c: Clause): number => {
    let n = 0;
    for (let i = c.from; i < c.to; i++) if (tokens[i]!.kind === 'word') n++;
    return n;
  };
  const named = (c: Clause): boolean => /^\p{Lu}/u.test(tokens[c.targetAt]!.text);
  const same = (c: Clause): boolean => {
    if (hasWord(tokens, c.from, c.to, SAME)) return true;
    // "tous les deux", "les deux": alike; "deux jours", "deux secondes" are not.
    for (let i = c.from + 1; i < c.to; i++) if (wordOf(tokens[i]!) === 'deux' && ['les', 'tous', 'toutes'].includes(wordOf(tokens[i - 1]!))) return true;
    return false;
  };
  // The brand is what the clause is about when it comes in its first words ("Umbrella got mine",
  // "celui de Globex l'a monté", "mon téléphone Acme est mort").
  const leads = (c: Clause): boolean => {
    let words = 0;
    for (let i = c.from; i < c.targetAt; i++) if (tokens[i]!.kind === 'word' && !CONTRAST.has(tokens[i]!.lower)) words++;
    return words <= 3;
  };
  for (let k = 0; k + 1 < clauses.length; k++) {
    const a = clauses[k]!;
    const b = clauses[k + 1]!;
    if (a.ids.length === 0 || b.ids.length === 0 || a.ids.some((id) => b.ids.includes(id))) continue;
    // Between named brands only: aspects of one restaurant ("the tables", "the menu") are often
    // mentioned in passing beside a polar clause, and stay neutral.
    if ((!named(a) || !named(b))) continue;
    if (b.joint === 'contrast' && a.tone.score >= 0.1 && b.tone.score > a.tone.score && isFaint(tokens, a)) out[k] = 0;
    else if (b.joint === 'contrast' && b.tone.score >= 0.1 && a.tone.score > b.tone.score && isFaint(tokens, b)) out[k + 1] = 0;
    if (weak(a) === weak(b) || same(a) || same(b)) continue;
    const [w, p, at] = weak(a) ? [a, b, k] : [b, a, k + 1];
    // "Quick a fermé et franchement McDo fait mieux": a comparative clause opposes even after "and".
    if (b.joint === 'and' && !p.comparative) continue;
    // Parallel clauses, each led by its brand ("A did this, B did that"), short as verdicts are:
    // long news clauses that merely name a person beside a polar one stay as they are.
    if (!leads(w) || out[at] !== w.tone.score) continue;
    if ((!leads(p) || wordCount(w) > 12 || wordCount(p) > 14)) continue;
    out[at] = -Math.sign(p.tone.score) * Math.max(0.15, 0.6 * Math.abs(p.tone.score));
  }
  return out;
}

/**
 * Tone toward each target a text names. `whole`: the mention's own sentiment (what a target the
 * text does not spell out gets); `score`: the sentiment of a span of tokens (the full pipeline).
 */
export function toneByTarget(tokens: readonly Token[], lang: Lang, targets: readonly ToneTarget[], whole: Sentiment, sentenceScore: SpanScorer): Record<string, BrandTone> {
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
  const inTarget = new Uint8Array(tokens.length);
  for (const o of occurrences) for (let i = o.start; i < o.end; i++) inTarget[i] = 1;
  const targetToken = new Set<Token>(tokens.filter((_, i) => inTarget[i] === 1));
  const isTarget = (t: Token): boolean => targetToken.has(t);
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
  const clauses: Clause[] = [];
  let lastId: string | undefined;
  let previousSentence: Sentiment | undefined;
  let sentenceLemmas = new Set<string>();
  for (const [start, end] of sentences) {
    const sentence = tokens.slice(start, end);
    // Each clause's colloquial verdicts ("au top", "let me down") on top of the scorer's tone.
    const score: SpanScorer = (span) => withVerdicts(span, sentenceScore(span), lang, sentence);
    const occ = occurrences.filter((o) => o.start >= start && o.end <= end);
    if (occ.length === 0) {
      if (lastId !== undefined) {
        const s = score(sentence);
        if (Math.abs(s.score) >= 0.1) vote(lastId, { score: s.score, confidence: s.confidence });
      }
      // A sentence between two brands' sentences keeps them from being read as neighbours.
      clauses.push({ ids: [], tone: whole, from: start, to: end, joint: 'sentence', targetAt: start, sentence: [start, end] });
      continue;
    }
    const ids = [...new Set(occ.map((o) => o.id))];
    lastId = occ[occ.length - 1]!.id;
    if (ids.length === 1) {
      const s = spanTone(sentence, score, previousSentence, sentenceLemmas, isTarget);
      previousSentence = s;
      sentenceLemmas = new Set(sentence.map((t) => t.lemma || t.lower));
      clauses.push({ ids, tone: s, from: start, to: end, joint: 'sentence', targetAt: occ[0]!.start, sentence: [start, end] });
      continue;
    }
    previousSentence = undefined;
    const structure = sentenceStructure(tokens, occ, score, lang, start, end);
    if (structure !== undefined) {
      for (const [id, list] of structure) for (const v of list) vote(id, v);
      // A target the structure did not place gets its clause below.
      if (ids.every((id) => structure.has(id))) {
        clauses.push({ ids: [], tone: whole, from: start, to: end, joint: 'sentence', targetAt: start, sentence: [start, end] });
        continue;
      }
    }
    // Clauses: cut between consecutive different targets.
    const cuts: number[] = [start];
    const joints: Joint[] = ['sentence'];
    for (let k = 0; k + 1 < occ.length; k++) {
      const A = occ[k]!;
      const B = occ[k + 1]!;
      if (A.id === B.id) continue;
      let cut = -1;
      let joint: Joint = 'soft';
      for (const [set, j] of [[CONTRAST, 'contrast'], [SUBORDINATE, 'subordinate'], [SOFT_CUT, 'soft'], [AND, 'and']] as const) {
        for (let i = B.start - 1; i >= A.end; i--) {
          const t = tokens[i]!;
          if (set.has(t.lower) || set.has(t.text)) {
            cut = i;
            break;
          }
        }
        if (cut >= 0) {
          joint = j;
          break;
        }
      }
      if (cut >= 0) {
        cuts.push(cut);
        joints.push(joint);
      }
    }
    cuts.push(end);
    let previous: Sentiment | undefined;
    let previousLemmas = new Set<string>();
    for (let c = 0; c + 1 < cuts.length; c++) {
      const from = cuts[c]!;
      let to = cuts[c + 1]!;
      const inClause = occ.filter((o) => o.start >= from && o.start < to);
      const here = [...new Set(inClause.map((o) => o.id))];
      if (here.length === 0) continue;
      // "A and B are awful", "A, B: same thing": a target alone before "and" or a comma shares
      // the clause that follows.
      const words = tokens.slice(from, to).filter((t, i) => t.kind === 'word' && inTarget[from + i] === 0 && !AND.has(t.lower) && t.lower !== 'both');
      if (words.length === 0 && c + 2 < cuts.length) to = cuts[c + 2]!;
      let s = spanTone(tokens.slice(from, to), score, previous, previousLemmas, isTarget);
      previous = s;
      previousLemmas = new Set(tokens.slice(from, to).map((t) => t.lemma || t.lower));
      // "la Fnac est deux fois moins chère", "McDo fait mieux": the clause's own comparison with
      // the other brand decides where the scorer reads it weakly or the other way.
      const cmp = clauseComparative(tokens, from, to, score, lang);
      if (cmp !== 0 && Math.sign(s.score) !== cmp || (cmp !== 0 && Math.abs(s.score) < 0.6)) s = { ...s, score: 0.6 * cmp, label: cmp > 0 ? 'positive' : 'negative' };
      const free = here.filter((id) => !structure?.has(id));
      clauses.push({ ids: free, tone: s, from, to, joint: joints[c]!, targetAt: inClause[0]!.start, sentence: [start, end], comparative: cmp !== 0 });
    }
  }
  const read = readNeighbours(tokens, clauses);
  clauses.forEach((c, k) => {
    for (const id of c.ids) vote(id, { score: read[k]!, confidence: c.tone.confidence });
  });
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

/**
 * The structure votes of one sentence naming two or more targets. A sentence cut by "but"/"mais"
 * is read part by part: two structures add up ("Stark beats Wayne on price but Wayne beats Stark
 * on quality": neither wins), and a comparison followed by a concession that names neither brand
 * weighs the concession too ("Acme is slower than Globex, but it is cheaper": neither wins; "moins
 * cher que Y mais la qualité est nulle": the cheaper one loses, the other wins). Otherwise the sentence as a whole.
 */
function sentenceStructure(tokens: readonly Token[], occ: readonly Occurrence[], score: SpanScorer, lang: Lang, start: number, end: number): Map<string, Vote[]> | undefined {
  const bounds: number[] = [start];
  for (let i = start + 1; i < end; i++) if (CONTRAST.has(tokens[i]!.lower) && !(tokens[i]!.lower === 'alors' && wordOf(tokens[i + 1] ?? tokens[i]!) !== 'que' && wordOf(tokens[i + 1] ?? tokens[i]!) !== "qu'")) bounds.push(i);
  bounds.push(end);
  const merged = new Map<string, Vote[]>();
  const add = (id: string, v: Vote): void => {
    merged.set(id, [...(merged.get(id) ?? []), v]);
  };
  if (bounds.length > 2) {
    let found = false;
    let last: { ids: string[]; comparison: boolean } | undefined;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k]!;
      const to = bounds[k + 1]!;
      const here = occ.filter((o) => o.start >= from && o.end <= to);
      if (new Set(here.map((o) => o.id)).size >= 2) {
        const s = structural(tokens, here, score, lang, from, to);
        if (s !== undefined) {
          found = true;
          for (const [id, v] of s) add(id, v);
          last = { ids: [...s.keys()], comparison: hasWord(tokens, from, to, new Set(['than', 'que', "qu'", 'qu', 'as', 'aussi', 'autant'])) };
        } else last = undefined;
      } else if (here.length === 0 && last !== undefined && last.comparison && last.ids.length === 2) {
        const span = tokens.slice(from, to);
        const cmp = clauseComparative(tokens, from, to, score, lang);
        // A concession that is itself a comparison ("but it is cheaper") weighs as much as the
        // first one; a verdict ("mais la qualité est nulle") is what the sentence argues for ("p
        // but q": q wins), so it weighs twice.
        const s = cmp !== 0 ? 0.6 * cmp : Math.max(-1, Math.min(1, 2 * score(span).score));
        if (Math.abs(s) >= 0.2) {
          add(last.ids[0]!, { score: s, confidence: 0.6 });
          add(last.ids[1]!, { score: -s, confidence: 0.6 });
        }
        last = undefined;
      } else last = undefined;
    }
    if (found) return merged;
  }
  const s = structural(tokens, occ, score, lang, start, end);
  if (s === undefined) return undefined;
  for (const [id, v] of s) add(id, v);
  return merged;
}
