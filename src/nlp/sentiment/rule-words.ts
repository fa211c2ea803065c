// The word lists of the sentiment rules (sentiment.ts), English and French: negators, boosters,
// contrast words, and the words the review rules look for. Lists, not logic: the rules read them.

/** A negation flips and dampens the valence it reaches (VADER's scalar). */
export const NEGATION_SCALAR = -0.74;

/** Negations inside a lexicon phrase ("does not work", "pas terrible", "sans problème"). */
export const PHRASE_NEGATORS = new Set(['not', "n't", 'no', 'never', 'without', 'nothing', 'ne', "n'", 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'ni']);

/**
 * Boosters that are also sentiment words ("super", "bien") or common fillers ("so", "too", "si"):
 * boosters only right before a sentiment word or another booster.
 */
export const AMBIGUOUS = new Set(['great', 'super', 'damn', 'fucking', 'bien', 'terribly', 'awfully', 'grave', 'tout', 'so', 'too', 'such', 'most', 'way', 'pretty', 'si']);

/** A lack of something: negates what is lacking ("lacks charm"), a complaint when alone ("lacks depth"). */
const EN_LACKING = ['lack', 'lacks', 'lacked', 'lacking', 'devoid'];
const FR_LACKING = ['manque', 'manquait', 'manquent', 'manqué', 'absence', 'dépourvu', 'dépourvue', 'depourvu', 'depourvue'];
export const LACKING = new Set([...EN_LACKING, ...FR_LACKING]);

// --- English --------------------------------------------------------------------------------

const EN_NEGATORS = new Map<string, number>([
  ['not', NEGATION_SCALAR], ["n't", NEGATION_SCALAR], ['no', NEGATION_SCALAR], ['never', NEGATION_SCALAR],
  ['without', NEGATION_SCALAR], ['nothing', NEGATION_SCALAR], ['nobody', NEGATION_SCALAR],
  ['none', NEGATION_SCALAR], ['neither', NEGATION_SCALAR], ['nor', NEGATION_SCALAR],
  ['cannot', NEGATION_SCALAR], ['dont', NEGATION_SCALAR], ['cant', NEGATION_SCALAR], ['wont', NEGATION_SCALAR],
  ['doesnt', NEGATION_SCALAR], ['didnt', NEGATION_SCALAR], ['isnt', NEGATION_SCALAR], ['wasnt', NEGATION_SCALAR],
  ['arent', NEGATION_SCALAR], ['aint', NEGATION_SCALAR], ['couldnt', NEGATION_SCALAR], ['wouldnt', NEGATION_SCALAR],
  ['shouldnt', NEGATION_SCALAR], ['havent', NEGATION_SCALAR], ['hasnt', NEGATION_SCALAR], ['werent', NEGATION_SCALAR],
  ['hardly', -0.5], ['barely', -0.5], ['rarely', -0.5], ['seldom', -0.5],
]);

/** Multipliers of the next sentiment word. Starred words are themselves sentiment words (see AMBIGUOUS). */
const EN_BOOSTERS = new Map<string, number>([
  ['very', 1.3], ['really', 1.3], ['so', 1.3], ['too', 1.25], ['extremely', 1.5], ['super', 1.3],
  ['totally', 1.3], ['absolutely', 1.4], ['completely', 1.3], ['incredibly', 1.4], ['highly', 1.3],
  ['truly', 1.25], ['utterly', 1.5], ['insanely', 1.4], ['ridiculously', 1.4], ['seriously', 1.25],
  ['such', 1.2], ['quite', 1.1], ['pretty', 1.1], ['fucking', 1.5], ['damn', 1.3], ['freaking', 1.4],
  ['hella', 1.3], ['most', 1.2], ['especially', 1.2], ['exceptionally', 1.4], ['remarkably', 1.3],
  ['deeply', 1.3], ['terribly', 1.4], ['awfully', 1.4], ['way', 1.2], ['soo', 1.4], ['sooo', 1.5], ['great', 1.3],
  ['slightly', 0.6], ['somewhat', 0.7], ['kinda', 0.7], ['sorta', 0.7], ['fairly', 0.85], ['rather', 0.9],
  ['almost', 0.6], ['mildly', 0.7], ['moderately', 0.8],
]);

const EN_BOOSTERS_2 = new Map<string, number>([
  ['kind of', 0.7], ['sort of', 0.7], ['a bit', 0.7], ['a little', 0.7], ['a tad', 0.7],
]);

const EN_CONTRAST = new Set(['but', 'however', 'nevertheless', 'nonetheless']);

const EN_CONTRAST_2 = new Set<string>(['that said', 'even so']);

/**
 * Words a negation reaches across without using up its scope: articles, pronouns, auxiliaries,
 * and the verbs whose negation is the clause's ("I don't think you will be disappointed",
 * "nothing at all to recommend", "wasn't the least bit interested").
 */
const EN_SCOPE_TRANSPARENT = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'any', 'anything', 'anyone', 'single', 'least', 'bit',
  'at', 'all', 'even', 'to', 'of', 'for', 'in', 'on', 'it', 'its', "it's", 'i', 'me', 'my', 'you', 'your', 'we', 'our',
  'they', 'them', 'their', 'he', 'she', 'him', 'her', 'his', 'be', 'been', 'being', 'is', 'are', 'was', 'were', "'s", "'re",
  'will', "'ll", 'would', "'d", 'could', 'can', 'should', 'do', 'does', 'did', 'have', 'has', 'had', "'ve", 'ever',
  'think', 'believe', 'say', 'see', 'expect', 'feel', 'find', 'found', 'mean', 'suppose', 'imagine', 'get', 'got',
]);

/**
 * Negators that are opinion words of their own: when they negate nothing, their own tone counts.
 * Besides a lack, what acts on the trouble: "avoids any damage", "fixes all the problems".
 */
const EN_LACK = new Set([
  ...EN_LACKING,
  'avoid', 'avoids', 'avoided', 'avoiding', 'prevent', 'prevents', 'prevented', 'preventing',
  'fix', 'fixes', 'fixed', 'fixing', 'solve', 'solves', 'solved', 'eliminate', 'eliminates', 'eliminated',
]);

/** "would have been great", "could've been good": it was not. */
export const EN_WOULD = new Set(['would', 'could', 'should', 'might']);

/** Verbs after which a negation ends: what follows is taken as true ("I didn't realize how wonderful it is"). */
export const EN_FACTIVE = new Set(['realize', 'realise', 'realized', 'realised']);

/** A negation ends at these when it is not right before them: "never had such bland food" ("not so good" stays a negation). */
export const EN_EXCLAMATIVE = new Set(['so', 'such']);

/** "can't tell you how…", "couldn't believe how…", "don't know why…": what follows is asserted. */
export const EN_TELLING = new Set(['tell', 'believe', 'describe', 'express', 'explain', 'say', 'know', 'imagine', 'stress', 'emphasize']);

/** The object a telling verb may take before "how" ("tell you how"). */
export const EN_OBJECTS = new Set(['you', 'me', 'them', 'him', 'her', 'us', 'anyone', 'everyone']);

/** Praise that "too" turns into a complaint ("too fast", "too easy"); before other praise it intensifies ("too good"). */
export const EN_TOO_MUCH_OF = new Set(['fast', 'quick', 'quickly', 'easy', 'easily', 'sweet', 'strong', 'rich', 'simple', 'light', 'soft', 'bright', 'smooth', 'clean', 'safe', 'nice', 'polite']);

/** After "too", these are no complaint ("me too", "too much fun" is read by the sentiment word). */
export const EN_TOO_NOT_BEFORE = new Set(['and', 'or', 'but', 'i', 'we', 'you', 'it', 'the', 'a', 'to', 'for', 'with', 'is', 'was', 'are', 'am', 'lol', 'haha']);

/** "little"/"few" after these lacks what follows ("very little comedy", "makes little sense"); "a little gem" is no lack. */
export const EN_LITTLE_AFTER = new Set(['very', 'so', 'too', 'how', 'with', 'has', 'had', 'have', 'make', 'makes', 'made', 'is', 'was', 'are', 'were', 'there', 'offer', 'offers', 'of']);

// --- French --------------------------------------------------------------------------------

/** Second particle of "ne … X": after it, the scope runs a few more words. */
export const FR_NE_PARTICLES = new Set(['pas', 'plus', 'jamais', 'rien', 'point', 'guère', 'guere', 'personne', 'aucun', 'aucune', 'nullement']);

/** Negators without "ne" (spoken and written French drop it: "c'est pas bon"). */
export const FR_BARE_NEGATORS = new Map<string, number>([
  ['pas', NEGATION_SCALAR], ['jamais', NEGATION_SCALAR], ['rien', NEGATION_SCALAR], ['aucun', NEGATION_SCALAR],
  ['aucune', NEGATION_SCALAR], ['sans', NEGATION_SCALAR], ['ni', NEGATION_SCALAR], ['nullement', NEGATION_SCALAR],
  // "peu fiable" is "unreliable" ("un peu" is a diminisher, matched first).
  ['peu', -0.5],
]);

/** Verbs that a colloquial post-verbal "pas" negates ("j'aime pas", "je recommande pas"). */
export const FR_RETRO_VERBS = new Set([
  'aime', 'aimes', 'aiment', 'aimé', 'adore', 'adores', 'adorent', 'adoré', 'recommande', 'recommandons',
  'conseille', 'conseillons', 'plaît', 'plait', 'plaisent', 'vaut', 'apprécie', 'apprécions', 'kiffe', 'kiffes',
]);

const FR_BOOSTERS = new Map<string, number>([
  ['très', 1.3], ['tres', 1.3], ['trop', 1.3], ['vraiment', 1.3], ['tellement', 1.3], ['si', 1.2],
  ['super', 1.3], ['hyper', 1.3], ['ultra', 1.3], ['extrêmement', 1.5], ['extremement', 1.5],
  ['vachement', 1.3], ['absolument', 1.4], ['totalement', 1.3], ['complètement', 1.3], ['completement', 1.3],
  ['carrément', 1.3], ['carrement', 1.3], ['franchement', 1.15], ['particulièrement', 1.2], ['bien', 1.2],
  ['archi', 1.3], ['méga', 1.3], ['mega', 1.3], ['grave', 1.2], ['tout', 1.1], ['assez', 0.9],
  ['plutôt', 0.85], ['plutot', 0.85], ['légèrement', 0.6], ['legerement', 0.6], ['moyennement', 0.5],
  ['presque', 0.7],
]);

const FR_BOOSTERS_2 = new Map<string, number>([['un peu', 0.6], ['un brin', 0.7], ['le plus', 1.2]]);

const FR_CONTRAST = new Set(['mais', 'cependant', 'pourtant', 'toutefois', 'néanmoins', 'neanmoins']);

const FR_CONTRAST_2 = new Set(['par contre', 'en revanche', 'sauf que']);

/** Words a French negation reaches across without using up its scope (as EN_SCOPE_TRANSPARENT). */
const FR_SCOPE_TRANSPARENT = new Set([
  'le', 'la', 'les', "l'", 'un', 'une', 'des', 'du', 'de', "d'", 'ce', "c'", 'cet', 'cette', 'ces', 'ça', 'ca', 'cela',
  'est', 'était', 'etait', 'être', 'etre', 'été', 'ete', 'a', 'ai', 'as', 'avait', 'avons', 'ont', 'me', "m'", 'te', "t'",
  'se', "s'", 'lui', 'leur', 'y', 'en', 'à', 'au', 'aux', 'tout', 'trouve', 'trouvé', 'pense', 'crois', 'vraiment',
]);

/** A subject starts a new clause: a negation ends there ("pas du tout, je préfère même"). */
export const FR_SUBJECTS = new Set(['je', "j'", 'tu', 'il', 'elle', 'on', 'nous', 'vous', 'ils', 'elles']);

/** "aurait pu être génial": it was not. */
export const FR_WOULD = new Set(['aurait', 'auraient', 'aurais', 'aurions', 'auriez']);

export const FR_COULD = new Set(['pu', 'dû', 'du']);

/** As EN_LACK: "manque de rythme", "évite les problèmes". */
const FR_LACK = new Set([
  ...FR_LACKING,
  'évite', 'évitent', 'éviter', 'évité', 'empêche', 'empêchent', 'résout', 'résolu', 'corrige', 'corrigé', 'règle',
]);

/** After "trop", these say too much of a bad thing ("trop long", "trop de pub"); colloquial "trop" + praise stays praise. */
export const FR_TOO_NEGATIVE = new Set([
  'long', 'longue', 'longs', 'longues', 'lent', 'lente', 'lents', 'lentes', 'court', 'courte', 'courts', 'cher', 'chère', 'chers', 'chères', 'chere',
  'petit', 'petite', 'petits', 'petites', 'salé', 'salée', 'sale', 'sucré', 'sucrée', 'gras', 'grasse', 'compliqué', 'compliquée', 'cuit', 'cuite',
  'bruyant', 'bruyante', 'tard', 'lourd', 'lourde', 'répétitif', 'répétitive', 'prévisible', 'de', "d'", 'peu',
]);

// --- Per language --------------------------------------------------------------------------------

export interface Rules {
  negators: Map<string, number>;
  boosters: Map<string, number>;
  boosters2: Map<string, number>;
  contrast: Set<string>;
  contrast2: Set<string>;
  /** First words of the two-word modifiers: the pair is only built after one of them. */
  starts2: Set<string>;
  transparent: Set<string>;
  lack: Set<string>;
}
function firstWords(...lists: Iterable<string>[]): Set<string> {
  const out = new Set<string>();
  for (const list of lists) for (const two of list) out.add(two.split(' ')[0]!);
  return out;
}
export const EN_RULES: Rules = { negators: EN_NEGATORS, boosters: EN_BOOSTERS, boosters2: EN_BOOSTERS_2, contrast: EN_CONTRAST, contrast2: EN_CONTRAST_2, starts2: firstWords(EN_BOOSTERS_2.keys(), EN_CONTRAST_2), transparent: EN_SCOPE_TRANSPARENT, lack: EN_LACK };
export const FR_RULES: Rules = { negators: FR_BARE_NEGATORS, boosters: FR_BOOSTERS, boosters2: FR_BOOSTERS_2, contrast: FR_CONTRAST, contrast2: FR_CONTRAST_2, starts2: firstWords(FR_BOOSTERS_2.keys(), FR_CONTRAST_2), transparent: FR_SCOPE_TRANSPARENT, lack: FR_LACK };
