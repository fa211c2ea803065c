// Deriving an intended image from a brand's own texts (brand platform, press releases, an "about
// us" page): the same field analysis as for mentions (src/nlp, with the brand's own fields), each
// paragraph one unit, so a field's weight is the number of paragraphs that speak of it and its tone
// their mean tone on it. `ecoute image intended --brand <id> --from-texts <files>` prints it as YAML.
import { Document, isMap, isScalar, visit } from 'yaml';
import { EcouteError } from '../core/errors.js';
import { analyze } from '../nlp/analyze.js';
import { fieldSetWith, type FieldOverrides } from '../nlp/fields.js';

export interface BrandText {
  /** Where it came from (a file name), for the YAML's comment. */
  name: string;
  text: string;
}

export interface DerivedIntended {
  texts: number;
  paragraphs: number;
  /** Field → paragraphs holding it and their mean tone on it, by paragraphs desc. */
  fields: { field: string; weight: number; tone: number }[];
}

/** Markdown and HTML markup out, so it does not read as words. */
function plain(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]*[#>*+-]+[ \t]*/gm, '')
    .replace(/[*_`]+/g, '');
}

export function deriveIntended(texts: readonly BrandText[], brandFields?: FieldOverrides): DerivedIntended {
  const set = fieldSetWith(brandFields ? [brandFields] : []);
  const totals = new Map<string, { n: number; tone: number }>();
  let paragraphs = 0;
  for (const t of texts) {
    for (const paragraph of plain(t.text).split(/\n\s*\n/)) {
      if (paragraph.trim() === '') continue;
      paragraphs++;
      for (const [field, hit] of Object.entries(analyze(paragraph, { fields: set }).fields)) {
        const total = totals.get(field) ?? { n: 0, tone: 0 };
        total.n++;
        total.tone += hit.tone;
        totals.set(field, total);
      }
    }
  }
  if (totals.size === 0) {
    throw new EcouteError('IMAGE_NO_FIELDS', `no semantic field found in ${texts.length} text(s) (${paragraphs} paragraphs): are they in English or French, and about the brand?`);
  }
  const fields = [...totals]
    .map(([field, t]) => ({ field, weight: t.n, tone: Math.round((t.tone / t.n) * 100) / 100 }))
    .sort((a, b) => b.weight - a.weight || (a.field < b.field ? -1 : 1));
  return { texts: texts.length, paragraphs, fields };
}

/** The derived image as YAML to paste under the brand in the config. */
export function intendedYaml(brand: string, derived: DerivedIntended, sources: readonly string[]): string {
  const fields: Record<string, { weight: number; tone: number }> = {};
  for (const f of derived.fields) fields[f.field] = { weight: f.weight, tone: f.tone };
  const head =
    `# Intended image of ${brand}, derived from ${derived.texts} text(s), ${derived.paragraphs} paragraphs: ${sources.join(', ')}.\n` +
    `# weight: paragraphs speaking of the field; tone: their mean tone on it (-1..1).\n` +
    `# Paste under the brand (brands[] where id is ${brand}) and adjust: these are what the texts say, not yet what you want.\n`;
  const doc = new Document({ intended_image: { fields } });
  // One line per field, as a person writes it: quality: { weight: 12, tone: 0.6 }.
  visit(doc, {
    Map(_key, node) {
      if (isMap(node) && node.items.some((pair) => isScalar(pair.key) && pair.key.value === 'weight')) node.flow = true;
    },
  });
  return head + doc.toString();
}
