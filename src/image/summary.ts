// The plain-language lines of an image analysis, in English or French: what a comms person reads
// first ("Delivery is perceived 3× more than intended, and negatively").
import type { ImageLang } from './labels.js';
import type { FieldImage, ImageAnalysis } from './types.js';

/** Over-perceived fields get a line from this ratio of perceived to intended share on. */
const RATIO_LINE = 1.5;
/** An unplanned field gets a line from this share of the perceived image on. */
const UNPLANNED_LINE = 0.1;
const MAX_LINES = 10;

function numbers(lang: ImageLang) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2, signDisplay: 'exceptZero' });
  const ratio = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  return { pct: (x: number) => pct.format(x), tone: (x: number) => dec.format(x), ratio: (x: number) => `${ratio.format(x)}×` };
}

/** How a field's tone reads: only a tone whose interval lies on one side of 0 counts. */
function toneWord(f: FieldImage): 'negative' | 'positive' | null {
  if (f.toneCi === null || f.tone === null) return null;
  if (f.toneCi[1] < 0) return 'negative';
  if (f.toneCi[0] > 0) return 'positive';
  return null;
}

/** French "de" before a name: "d'Acme", "de Globex". */
const de = (name: string): string => (/^[aeiouyhàâäéèêëîïôöûüAEIOUYHÀÂÄÉÈÊËÎÏÔÖÛÜ]/.test(name) ? `d'${name}` : `de ${name}`);

const TEXT = {
  en: {
    congruence: (name: string, whose: string | null, score: string, lo: string, hi: string, tw: string) =>
      `${name}'s perceived image matches ${whose === null ? 'its' : `${whose}'s`} intended image at ${score} (95% interval ${lo}–${hi}; ${tw} counting tone).`,
    over: (label: string, ratio: string, tone: 'negative' | 'positive' | null) =>
      `${label} is perceived ${ratio} more than intended${tone === 'negative' ? ', and negatively' : tone === 'positive' ? ', and positively' : ''}.`,
    inverted: (label: string, tone: string) => `${label} is meant to be a strength but is perceived negatively (tone ${tone}).`,
    missing: (label: string, share: string, wanted: string) => `${label} is barely perceived: ${share} of the image against ${wanted} intended.`,
    under: (label: string, share: string, wanted: string) => `${label} is perceived less than intended (${share} against ${wanted}).`,
    unplanned: (label: string, share: string, tone: 'negative' | 'positive' | null) =>
      `${label} makes ${share} of the image though it is not part of the intended one${tone === 'negative' ? ', and negatively' : ''}.`,
    emerging: (terms: string) => `Emerging, in no semantic field: ${terms}.`,
    drift: (from: string, to: string, up: boolean) => `Congruence ${up ? 'rose' : 'fell'} from ${from} to ${to} since the previous period, more than its uncertainty.`,
    rival: (rival: string, name: string, theirs: string, ours: string) =>
      `${rival} is perceived closer to ${name}'s intended image than ${name} is (${theirs} against ${ours}).`,
    top: (labels: string) => `Most perceived: ${labels}.`,
    none: (name: string) => `No mention of ${name} holds a semantic field in this period.`,
  },
  fr: {
    congruence: (name: string, whose: string | null, score: string, lo: string, hi: string, tw: string) =>
      `L'image perçue ${de(name)} correspond à ${score} à ${whose === null ? 'son image voulue' : `l'image voulue ${de(whose)}`} (intervalle à 95 % : ${lo}–${hi} ; ${tw} en tenant compte du ton).`,
    over: (label: string, ratio: string, tone: 'negative' | 'positive' | null) =>
      `Le thème « ${label} » est perçu ${ratio} plus que voulu${tone === 'negative' ? ', et négativement' : tone === 'positive' ? ', et positivement' : ''}.`,
    inverted: (label: string, tone: string) => `Le thème « ${label} » devait être un atout mais il est perçu négativement (ton ${tone}).`,
    missing: (label: string, share: string, wanted: string) => `Le thème « ${label} » est à peine perçu : ${share} de l'image contre ${wanted} voulus.`,
    under: (label: string, share: string, wanted: string) => `Le thème « ${label} » est moins perçu que voulu (${share} contre ${wanted}).`,
    unplanned: (label: string, share: string, tone: 'negative' | 'positive' | null) =>
      `Le thème « ${label} » fait ${share} de l'image sans faire partie de l'image voulue${tone === 'negative' ? ', et négativement' : ''}.`,
    emerging: (terms: string) => `Émergent, hors de tout thème : ${terms}.`,
    drift: (from: string, to: string, up: boolean) => `La congruence est ${up ? 'montée' : 'tombée'} de ${from} à ${to} depuis la période précédente, plus que son incertitude.`,
    rival: (rival: string, name: string, theirs: string, ours: string) =>
      `${rival} est perçu plus près de l'image voulue ${de(name)} que ${name} lui-même (${theirs} contre ${ours}).`,
    top: (labels: string) => `Les plus perçus : ${labels}.`,
    none: (name: string) => `Aucune mention ${de(name)} ne relève d'un thème sur cette période.`,
  },
} as const;

export function summaryLines(a: ImageAnalysis, names: { brand: string; competitor: (id: string) => string; intendedOf?: string }, lang: ImageLang): string[] {
  const text = TEXT[lang];
  const n = numbers(lang);
  const quote = (s: string) => (lang === 'fr' ? `« ${s} »` : `“${s}”`);
  const lines: string[] = [];
  const perceived = a.fields.filter((f) => f.uniqueAuthors > 0);
  if (perceived.length === 0) lines.push(text.none(names.brand));
  if (a.congruence) {
    const c = a.congruence;
    lines.push(text.congruence(names.brand, names.intendedOf ?? null, n.pct(c.score), n.pct(c.ci[0]), n.pct(c.ci[1]), n.pct(c.toneWeighted)));
  }
  if (a.intended === null) {
    const top = [...perceived].sort((x, y) => y.share - x.share).slice(0, 3);
    if (top.length > 0) lines.push(text.top(top.map((f) => `${f.label} (${n.pct(f.share)})`).join(', ')));
  } else {
    // Perceived much more than intended: one line says both the ratio and a negative tone (an
    // inverted field so over-perceived reads "… 3× more than intended, and negatively").
    const overPerceived = (f: FieldImage) => (f.intendedShare ?? 0) > 0 && f.shareCi[0] > f.intendedShare! && f.share / f.intendedShare! >= RATIO_LINE;
    for (const f of a.fields.filter((f) => f.status === 'inverted' && !overPerceived(f))) lines.push(text.inverted(f.label, n.tone(f.tone ?? 0)));
    const over = a.fields
      .filter((f) => (f.status === 'over' || f.status === 'inverted') && overPerceived(f))
      .sort((x, y) => y.share / y.intendedShare! - x.share / x.intendedShare!);
    for (const f of over) lines.push(text.over(f.label, n.ratio(f.share / f.intendedShare!), toneWord(f)));
    for (const f of a.fields.filter((f) => f.status === 'missing')) lines.push(text.missing(f.label, n.pct(f.share), n.pct(f.intendedShare ?? 0)));
    for (const f of a.fields.filter((f) => f.status === 'under')) lines.push(text.under(f.label, n.pct(f.share), n.pct(f.intendedShare ?? 0)));
    for (const f of a.fields.filter((f) => f.status === 'unplanned' && f.share >= UNPLANNED_LINE)) lines.push(text.unplanned(f.label, n.pct(f.share), toneWord(f)));
  }
  if (a.emerging.length > 0) lines.push(text.emerging(a.emerging.slice(0, 5).map((e) => quote(e.label)).join(', ')));
  if (a.previous?.congruenceChangeSignificant && a.previous.congruence !== undefined && a.congruence) {
    lines.push(text.drift(n.pct(a.previous.congruence), n.pct(a.congruence.score), a.congruence.score > a.previous.congruence));
  }
  for (const c of a.competitors) {
    if (c.congruence && a.congruence && c.congruence.score > a.congruence.ci[1]) {
      lines.push(text.rival(names.competitor(c.brand), names.brand, n.pct(c.congruence.score), n.pct(a.congruence.score)));
    }
  }
  return lines.slice(0, MAX_LINES);
}

/** What a brand without an intended image reads. */
export function hintLine(brand: string, lang: ImageLang): string {
  return lang === 'fr'
    ? `Aucune image voulue n'est déclarée pour ${brand} : ajoutez brands[].intended_image (fields: { quality: { weight: 3, tone: 0.6 }, … }) à la configuration, ou dérivez-la de vos propres textes avec \`ecoute image intended --brand ${brand} --from-texts <fichiers>\`.`
    : `No intended image is declared for ${brand}: add brands[].intended_image (fields: { quality: { weight: 3, tone: 0.6 }, … }) to the config, or derive it from your own texts with \`ecoute image intended --brand ${brand} --from-texts <files>\`.`;
}
