// Cross-checks of a config, run by load.ts after the schema, so one run lists every problem.
import { parseBrandQuery } from '../streams/brands.js';
import { intendedImageProblems } from '../image/config.js';

/**
 * Checks the schema alone cannot express: queries that parse (and name only fields known when
 * brands are matched), brand ids that are unique and known. They read the raw data, not the
 * validated config, so that they still run when another part of the file is invalid; a value of
 * the wrong type is skipped here (the schema already reports it).
 */
export function crossChecks(data: unknown): string[] {
  const problems: string[] = [];
  const brands = isRecord(data) && Array.isArray(data.brands) ? data.brands : [];
  const ids = new Set<string>();
  brands.forEach((brand: unknown, i) => {
    if (!isRecord(brand)) return;
    if (typeof brand.id === 'string') {
      if (ids.has(brand.id)) problems.push(`brands[${i}].id: duplicate brand id "${brand.id}"`);
      ids.add(brand.id);
    }
    problems.push(...intendedImageProblems(brand, i));
    for (const key of ['query', 'exclude'] as const) {
      const query = brand[key];
      if (typeof query !== 'string') continue;
      try {
        parseBrandQuery(query);
      } catch (error) {
        problems.push(`brands[${i}].${key}: ${(error as Error).message}`);
      }
    }
  });
  brands.forEach((brand: unknown, i) => {
    if (!isRecord(brand) || !Array.isArray(brand.competitors)) return;
    brand.competitors.forEach((c: unknown, j) => {
      if (typeof c === 'string' && !ids.has(c)) problems.push(`brands[${i}].competitors[${j}]: unknown brand id "${c}"`);
    });
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
