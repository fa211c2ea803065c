// The intended image of a brand, in its config (`brands[].intended_image`): the semantic fields it
// wants to be known for, each with a weight (écoute normalizes the weights to shares that sum to 1)
// and the tone it wants on it. Field names are checked against the shipped fields
// (config/lexicons/fields/) and the brand's own `fields` by intendedImageProblems, one of the
// config's cross-checks.
import { z } from 'zod';
import { FIELD_NAME_RE, shippedFields } from '../nlp/fields.js';
import type { IntendedField } from './types.js';

export const IntendedFieldSchema = z
  .strictObject({
    weight: z
      .number()
      .min(0)
      .describe('How much the brand wants to be known for this field, relative to the other fields listed (any scale: écoute divides each weight by their sum).'),
    tone: z.number().min(-1).max(1).optional().describe('The tone wanted on the field, -1 (very negative) to 1 (very positive); default: default_tone.'),
  })
  .describe('One semantic field of the intended image.');

export const IntendedImageSchema = z
  .strictObject({
    default_tone: z.number().min(-1).max(1).default(0.5).describe('The tone wanted on a field that gives none, -1..1 (0.5: clearly positive).'),
    fields: z
      .record(z.string().regex(FIELD_NAME_RE, 'must be a snake_case field name'), IntendedFieldSchema)
      .refine((fields) => Object.values(fields).some((f) => f.weight > 0), { message: 'needs at least one field with a weight above 0' })
      .describe(
        'Field name → weight and tone, e.g. quality: { weight: 3, tone: 0.7 }. Names: the shipped fields (price, quality, product, service_support, delivery, ethics_environment, innovation, trust_security, sincerity, excitement, competence, sophistication, ruggedness) or the brand\'s own `fields`. `ecoute image intended --brand <id> --from-texts <files>` derives weights from the brand\'s own texts.',
      ),
  })
  .describe(
    'The image the brand wants: the semantic fields it wants to be known for and the tone it wants on each. `ecoute image` and the reports compare it with the image its mentions give (docs/image.md).',
  );

export type IntendedImageConfig = z.output<typeof IntendedImageSchema>;

/** The intended image as normalized shares (weights divided by their sum), fields with weight 0 left out, by share desc. */
export function normalizeIntended(config: IntendedImageConfig): IntendedField[] {
  const entries = Object.entries(config.fields).filter(([, f]) => f.weight > 0);
  const total = entries.reduce((s, [, f]) => s + f.weight, 0);
  return entries
    .map(([field, f]) => ({ field, weight: f.weight, share: f.weight / total, tone: f.tone ?? config.default_tone }))
    .sort((a, b) => b.share - a.share || (a.field < b.field ? -1 : 1));
}

/** The field names a brand's intended image may use: the shipped fields and the brand's own. */
export function knownFields(brandFields: unknown): string[] {
  const own = brandFields !== null && typeof brandFields === 'object' && !Array.isArray(brandFields) ? Object.keys(brandFields) : [];
  return [...new Set([...[...shippedFields().names].sort(), ...own])];
}

/**
 * Cross-check of one brand (raw config data, brand number i): every field of its intended image
 * must be a known field. Messages name the path and the known fields.
 */
export function intendedImageProblems(brand: Record<string, unknown>, i: number): string[] {
  const image = brand.intended_image;
  if (image === null || typeof image !== 'object' || Array.isArray(image)) return [];
  const fields = (image as Record<string, unknown>).fields;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return [];
  const known = knownFields(brand.fields);
  return Object.keys(fields)
    .filter((name) => FIELD_NAME_RE.test(name) && !known.includes(name))
    .map((name) => `brands[${i}].intended_image.fields.${name}: unknown semantic field "${name}"; known fields: ${known.join(', ')} (add your own under brands[${i}].fields)`);
}
