// analyzeImage: the perceived image of a brand over a period against its intended image, with the
// previous period (drift) and the brand's competitors (read against the brand's intended image:
// where a rival is perceived as the brand wants to be). Everything is read through the
// MentionStore seam: fieldAuthors (near-duplicates out, each author once per field),
// significantTerms and topTerms.
import type { BrandConfig } from '../config/schema.js';
import { EcouteError } from '../core/errors.js';
import { fieldSetWith, type FieldSet } from '../nlp/fields.js';
import { foldedWords } from '../nlp/normalize.js';
import { parseBound } from '../store/request.js';
import type { FieldAuthors, MentionStore, TermCount } from '../store/types.js';
import { normalizeIntended } from './config.js';
import { CANDIDATES, emergingTerms, type Side } from './emerging.js';
import type { ImageLang } from './labels.js';
import { addDrift, perceivedImage } from './perceived.js';
import { halfWidth, seedOf } from './stats.js';
import { hintLine, summaryLines } from './summary.js';
import type { EmergingTerm, ImageAnalysis, ImageRequest, IntendedField } from './types.js';

interface Period {
  from: string;
  to: string;
  previousFrom: string;
}

function periodOf(request: ImageRequest): Period {
  const fromMs = parseBound('from', request.from);
  const toMs = parseBound('to', request.to);
  if (toMs <= fromMs) throw new EcouteError('BAD_REQUEST', `to: must be after from (from=${request.from}, to=${request.to})`);
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), previousFrom: new Date(fromMs - (toMs - fromMs)).toISOString() };
}

const OPERATORS = new Set(['and', 'or', 'not', 'near']);

/** Folded words naming the brands (their ids, names and query words): the brand's own name is no finding. */
function namesOf(brands: readonly BrandConfig[]): Set<string> {
  const out = new Set<string>();
  for (const b of brands) {
    for (const w of [...foldedWords(b.id.replace(/[-_]/g, ' ')), ...foldedWords(b.name), ...foldedWords(b.query.replace(/\b[a-z]+:\S+/gi, ' '))]) {
      if (!OPERATORS.has(w)) out.add(w);
    }
  }
  return out;
}

function fieldsOfBrand(brand: BrandConfig): FieldSet {
  return fieldSetWith(brand.fields ? [brand.fields] : []);
}

/**
 * The store reads of one analysis, each (brand, period) asked once: the brand's current top terms
 * serve both keyness comparisons, a competitor's serve the brand's and its own.
 */
class Reads {
  private readonly authors = new Map<string, Promise<FieldAuthors>>();
  private readonly terms = new Map<string, Promise<TermCount[]>>();
  constructor(private readonly store: MentionStore) {}

  fieldAuthors(brand: string, from: string, to: string): Promise<FieldAuthors> {
    const key = `${brand}\u0000${from}\u0000${to}`;
    let p = this.authors.get(key);
    if (!p) this.authors.set(key, (p = this.store.fieldAuthors({ brand, from, to })));
    return p;
  }

  topTerms(brand: string, from: string, to: string): Promise<TermCount[]> {
    const key = `${brand}\u0000${from}\u0000${to}`;
    let p = this.terms.get(key);
    if (!p) this.terms.set(key, (p = this.store.topTerms({ brand, from, to, size: CANDIDATES })));
    return p;
  }

  async side(brand: string, from: string, to: string): Promise<Side> {
    const [terms, authors] = await Promise.all([this.topTerms(brand, from, to), this.fieldAuthors(brand, from, to)]);
    return { terms, mentions: authors.mentions };
  }
}

interface One {
  reads: Reads;
  subject: BrandConfig;
  intended: IntendedField[] | null;
  period: Period;
  lang: ImageLang;
  competitors: readonly string[];
  names: ReadonlySet<string>;
}

async function analyzeOne(o: One): Promise<ImageAnalysis> {
  const { reads, subject, period } = o;
  const [current, previous] = await Promise.all([
    reads.fieldAuthors(subject.id, period.from, period.to),
    reads.fieldAuthors(subject.id, period.previousFrom, period.from),
  ]);
  const seed = seedOf(`${subject.id}\u0000${period.from}\u0000${period.to}`);
  const now = perceivedImage(current, o.intended, { lang: o.lang, seed });
  const before = perceivedImage(previous, o.intended, { lang: o.lang, seed: seedOf(`${subject.id}\u0000${period.previousFrom}\u0000${period.from}`) });
  if (previous.mentions > 0) addDrift(now.fields, before.fields);
  let emerging: EmergingTerm[] = [];
  if (current.mentions > 0) {
    const [mine, earlier, rivals] = await Promise.all([
      reads.side(subject.id, period.from, period.to),
      previous.mentions > 0 ? reads.side(subject.id, period.previousFrom, period.from) : undefined,
      Promise.all(o.competitors.map((c) => reads.side(c, period.from, period.to))),
    ]);
    emerging = emergingTerms({ current: mine, ...(earlier && { previous: earlier }), competitors: rivals, fields: fieldsOfBrand(subject), names: o.names });
  }
  const analysis: ImageAnalysis = {
    brand: subject.id,
    from: period.from,
    to: period.to,
    mentions: current.mentions,
    uniqueAuthors: current.authors,
    intended: o.intended,
    fields: now.fields,
    inverted: now.inverted,
    missing: now.missing,
    emerging,
    competitors: [],
    summary: [],
  };
  if (now.congruence) analysis.congruence = now.congruence;
  if (previous.mentions > 0) {
    analysis.previous = { from: period.previousFrom, to: period.from };
    if (before.congruence) {
      analysis.previous.congruence = before.congruence.score;
      if (now.congruence) {
        const margin = Math.hypot(halfWidth(now.congruence.ci), halfWidth(before.congruence.ci));
        analysis.previous.congruenceChangeSignificant = Math.abs(now.congruence.score - before.congruence.score) > margin;
      }
    }
  }
  return analysis;
}

/** The perceived-versus-intended image of `request.brand` (an id of `brands`) over [from, to). */
export async function analyzeImage(store: MentionStore, brands: readonly BrandConfig[], request: ImageRequest): Promise<ImageAnalysis> {
  const brand = brands.find((b) => b.id === request.brand);
  if (brand === undefined) {
    throw new EcouteError('IMAGE_UNKNOWN_BRAND', `unknown brand "${request.brand}"; brands in the config: ${brands.map((b) => b.id).join(', ') || 'none'}`);
  }
  const lang: ImageLang = request.lang === 'fr' ? 'fr' : 'en';
  const period = periodOf(request);
  const intended = brand.intended_image ? normalizeIntended(brand.intended_image) : null;
  const rivals = brand.competitors.map((id) => brands.find((b) => b.id === id)).filter((b): b is BrandConfig => b !== undefined);
  const names = namesOf([brand, ...rivals]);
  const reads = new Reads(store);
  const withRivals = request.competitors !== false;
  // The competitors' analyses run beside the brand's (a remote store answers them in parallel).
  const [main, ...others] = await Promise.all([
    analyzeOne({ reads, subject: brand, intended, period, lang, competitors: rivals.map((r) => r.id), names }),
    ...(withRivals ? rivals.map((rival) => analyzeOne({ reads, subject: rival, intended, period, lang, competitors: [], names })) : []),
  ]);
  if (main === undefined) throw new EcouteError('INTERNAL_INVARIANT', 'no analysis of the brand');
  main.competitors.push(...others);
  const nameOf = (id: string): string => brands.find((b) => b.id === id)?.name ?? id;
  for (const c of main.competitors) c.summary = summaryLines(c, { brand: nameOf(c.brand), competitor: nameOf, intendedOf: brand.name }, lang);
  main.summary = summaryLines(main, { brand: brand.name, competitor: nameOf }, lang);
  if (intended === null) {
    main.hint = hintLine(brand.id, lang);
    main.summary.push(main.hint);
  }
  return main;
}
