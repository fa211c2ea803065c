// The dashboard's words in English and French. The language comes from the browser
// (navigator.language) unless the person picked one with the switch (kept in localStorage).
const MESSAGES = {
  en: {
    title: 'écoute: what people say',
    brand: 'Brand',
    language: 'Language',
    query: 'Search',
    queryPlaceholder: 'e.g. (delivery OR livraison) NEAR/5 (late OR retard)',
    queryHelp: 'Words, "phrases", AND / OR / NOT, -word, livr*, NEAR/5, lang:fr, source:trustpilot, field:delivery, rating:<=2',
    search: 'Search',
    validating: 'Checking…',
    validOk: (n) => `${fmtNumber(n)} ${n === 1 ? 'mention matches' : 'mentions match'}`,
    validError: (message, column) => (column ? `${message} (column ${column})` : message),
    sort: 'Sort',
    sortNewest: 'Newest first',
    sortRelevance: 'Most relevant',
    interval: 'Timeline by',
    intervalDay: 'day',
    intervalWeek: 'week',
    intervalHour: 'hour',
    timeline: 'Volume and tone',
    timelineHelp: 'Bars: mentions; line: mean tone (−1 to +1). Red days: tone well below the period’s. Click a day to read its mentions.',
    volume: 'Mentions',
    tone: 'Mean tone',
    badDays: 'Days to look at',
    noBadDays: 'No day stands out.',
    terms: 'What people talk about',
    topTerms: 'Top terms',
    risingTerms: 'Rising this week',
    noTerms: 'Nothing yet.',
    shareOfVoice: 'Share of voice',
    share: 'Share of mentions',
    toneShare: 'Tone-weighted share',
    fields: 'Topics',
    results: 'Mentions',
    total: (n) => `${fmtNumber(n)} ${n === 1 ? 'mention' : 'mentions'}`,
    noResults: 'No mention matches. Try fewer words or remove a filter.',
    more: 'Show more',
    filters: 'Filters',
    clearFilters: 'Clear all',
    removeFilter: 'Remove filter',
    day: 'Day',
    facet_source: 'Source',
    facet_lang: 'Language',
    facet_sentiment: 'Tone',
    facet_field: 'Topic',
    facet_brand: 'Brand',
    sentiment_positive: 'positive',
    sentiment_negative: 'negative',
    sentiment_neutral: 'neutral',
    sentiment_mixed: 'mixed',
    toneUncertain: 'uncertain',
    toneToward: (name) => `tone toward ${name}`,
    open: 'Open',
    rating: (n) => `${n}/5`,
    unauthorized: 'Access refused: this page needs the link écoute printed when it started (it ends with ?token=…). Open that link again.',
    forbidden: 'This token may not read the data (missing scope).',
    error: (reason) => `Something went wrong: ${reason}`,
    loading: 'Loading…',
    mentionsCount: 'mentions',
    meanTone: 'mean tone',
    image: 'Intended versus perceived image',
    imageEmerging: 'Emerging, in no semantic field',
    imageCongruence: 'Congruence',
    imageToneWeighted: 'counting tone',
    imageAuthors: 'unique authors',
    imageIntended: 'intended',
    imagePerceived: 'perceived',
    imageInterval: '95 % interval',
    imageGap: 'gap',
    imageWanted: 'tone wanted',
    imageStatus: 'status',
    imageStatus_aligned: 'aligned',
    imageStatus_over: 'over-perceived',
    imageStatus_under: 'under-perceived',
    imageStatus_missing: 'missing',
    imageStatus_inverted: 'inverted',
    imageStatus_unplanned: 'unplanned',
  },
  fr: {
    title: 'écoute : ce que les gens disent',
    brand: 'Marque',
    language: 'Langue',
    query: 'Recherche',
    queryPlaceholder: 'ex. (livraison OR delivery) NEAR/5 (retard OR late)',
    queryHelp: 'Mots, "expressions", AND / OR / NOT, -mot, livr*, NEAR/5, lang:fr, source:trustpilot, field:delivery, rating:<=2',
    search: 'Chercher',
    validating: 'Vérification…',
    validOk: (n) => `${fmtNumber(n)} ${n <= 1 ? 'mention correspond' : 'mentions correspondent'}`,
    validError: (message, column) => (column ? `${message} (colonne ${column})` : message),
    sort: 'Tri',
    sortNewest: 'Plus récentes',
    sortRelevance: 'Plus pertinentes',
    interval: 'Chronologie par',
    intervalDay: 'jour',
    intervalWeek: 'semaine',
    intervalHour: 'heure',
    timeline: 'Volume et tonalité',
    timelineHelp: 'Barres : mentions ; ligne : tonalité moyenne (−1 à +1). En rouge : les jours nettement plus négatifs que la période. Cliquez sur un jour pour lire ses mentions.',
    volume: 'Mentions',
    tone: 'Tonalité moyenne',
    badDays: 'Jours à regarder',
    noBadDays: 'Aucun jour ne se détache.',
    terms: 'De quoi parle-t-on',
    topTerms: 'Termes fréquents',
    risingTerms: 'En hausse cette semaine',
    noTerms: 'Rien pour l’instant.',
    shareOfVoice: 'Part de voix',
    share: 'Part des mentions',
    toneShare: 'Part pondérée par la tonalité',
    fields: 'Thèmes',
    results: 'Mentions',
    total: (n) => `${fmtNumber(n)} mention${n <= 1 ? '' : 's'}`,
    noResults: 'Aucune mention ne correspond. Essayez moins de mots ou retirez un filtre.',
    more: 'Voir plus',
    filters: 'Filtres',
    clearFilters: 'Tout effacer',
    removeFilter: 'Retirer le filtre',
    day: 'Jour',
    facet_source: 'Source',
    facet_lang: 'Langue',
    facet_sentiment: 'Tonalité',
    facet_field: 'Thème',
    facet_brand: 'Marque',
    sentiment_positive: 'positive',
    sentiment_negative: 'négative',
    sentiment_neutral: 'neutre',
    sentiment_mixed: 'mitigée',
    toneUncertain: 'incertaine',
    toneToward: (name) => `tonalité envers ${name}`,
    open: 'Ouvrir',
    rating: (n) => `${n}/5`,
    unauthorized: 'Accès refusé : cette page demande le lien affiché par écoute au démarrage (il finit par ?token=…). Rouvrez ce lien.',
    forbidden: 'Ce jeton ne permet pas de lire les données (droit manquant).',
    error: (reason) => `Une erreur est survenue : ${reason}`,
    loading: 'Chargement…',
    mentionsCount: 'mentions',
    meanTone: 'tonalité moyenne',
    image: 'Image voulue et image perçue',
    imageEmerging: 'Émergent, hors de tout thème',
    imageCongruence: 'Congruence',
    imageToneWeighted: 'avec le ton',
    imageAuthors: 'auteurs uniques',
    imageIntended: 'voulue',
    imagePerceived: 'perçue',
    imageInterval: 'intervalle à 95 %',
    imageGap: 'écart',
    imageWanted: 'ton voulu',
    imageStatus: 'statut',
    imageStatus_aligned: 'aligné',
    imageStatus_over: 'surperçu',
    imageStatus_under: 'sous-perçu',
    imageStatus_missing: 'absent',
    imageStatus_inverted: 'inversé',
    imageStatus_unplanned: 'non prévu',
  },
};

export const LANGUAGES = ['en', 'fr'];
let current = pickLanguage();

function pickLanguage() {
  const saved = safeStorage(() => localStorage.getItem('ecoute.lang'));
  if (saved && LANGUAGES.includes(saved)) return saved;
  const browser = (navigator.languages?.[0] ?? navigator.language ?? 'en').slice(0, 2).toLowerCase();
  return LANGUAGES.includes(browser) ? browser : 'en';
}

function safeStorage(read) {
  try {
    return read();
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

export function lang() {
  return current;
}

export function setLang(code) {
  if (!LANGUAGES.includes(code)) return;
  current = code;
  safeStorage(() => localStorage.setItem('ecoute.lang', code));
  document.documentElement.lang = code;
}

/** The message `key`, called with `args` when it is a function. Unknown keys show as themselves. */
export function t(key, ...args) {
  const message = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return typeof message === 'function' ? message(...args) : message;
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}

export function fmtDate(iso, withTime = true) {
  const options = withTime
    ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }
    : { day: 'numeric', month: 'short', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(current, options).format(new Date(iso));
}

export function fmtPercent(x) {
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 1 }).format(x);
}

export function fmtTone(x) {
  if (x === null || x === undefined) return '–';
  return new Intl.NumberFormat(current, { signDisplay: 'exceptZero', maximumFractionDigits: 2 }).format(x);
}
