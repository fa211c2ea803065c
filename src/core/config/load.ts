// Loading is all or nothing: the whole file is validated at start-up, every problem is reported at
// once with its path, and the result is frozen so no stage can change it behind another's back.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { EcouteError } from '../errors.js';
import { parseQuery } from '../../store/query/parse.js';
import { ConfigSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = 'config/ecoute.yaml';

/** `-c` wins, then ECOUTE_CONFIG, then config/ecoute.yaml. */
export function configPath(flag?: string): string {
  return resolve(flag ?? process.env.ECOUTE_CONFIG ?? DEFAULT_CONFIG_PATH);
}

export function loadConfig(path: string): Readonly<Config> {
  if (!existsSync(path)) throw new EcouteError('CONFIG_NOT_FOUND', `config file not found: ${path}`);
  return parseConfig(readFileSync(path, 'utf8'), path);
}

export function parseConfig(text: string, origin = 'config'): Readonly<Config> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${origin}: ${e.message.split('\n')[0]}`);
    throw new EcouteError('CONFIG_INVALID', `invalid YAML\n${lines.join('\n')}`);
  }
  const result = ConfigSchema.safeParse(doc.toJS() ?? {});
  const problems = result.success ? [] : result.error.issues.flatMap(describeIssue);
  if (result.success) problems.push(...crossChecks(result.data));
  if (problems.length > 0) {
    throw new EcouteError('CONFIG_INVALID', `${origin} has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return deepFreeze(result.data as Config);
}

/** Checks the schema alone cannot express: queries that parse, ids that are unique and known. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  config.brands.forEach((brand, i) => {
    if (ids.has(brand.id)) problems.push(`brands[${i}].id: duplicate brand id "${brand.id}"`);
    ids.add(brand.id);
    for (const key of ['query', 'exclude'] as const) {
      const query = brand[key];
      if (query === undefined) continue;
      try {
        parseQuery(query);
      } catch (error) {
        problems.push(`brands[${i}].${key}: ${(error as Error).message}`);
      }
    }
  });
  config.brands.forEach((brand, i) =>
    brand.competitors.forEach((c, j) => {
      if (!ids.has(c)) problems.push(`brands[${i}].competitors[${j}]: unknown brand id "${c}"`);
    }),
  );
  return problems;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
    case 'invalid_type':
      return [`${at}: ${/received undefined/.test(issue.message) ? 'required' : issue.message.replace(/^Invalid input: /, '')}`];
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [`${at}: must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`];
      }
      return [`${at}: ${issue.message}`];
    default:
      return [`${at}: ${issue.message.replace(/^Invalid input: /, '')}`];
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
