// Loading is all or nothing: the whole file is validated at start-up, every problem is reported at
// once with its path, and the result is frozen so no stage can change it behind another's back.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { EcouteError, errorMessage } from '../core/errors.js';
import { crossChecks } from './checks.js';
import { ConfigSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = 'config/ecoute.yaml';

/** `-c` wins, then ECOUTE_CONFIG, then config/ecoute.yaml. */
export function configPath(flag?: string): string {
  return resolve(flag ?? process.env.ECOUTE_CONFIG ?? DEFAULT_CONFIG_PATH);
}

export function loadConfig(path: string): Readonly<Config> {
  return parseConfig(readConfigFile(path), path);
}

/** The text of the config file; a missing file, a directory or an unreadable file says which. */
export function readConfigFile(path: string): string {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EcouteError('CONFIG_NOT_FOUND', `config file not found: ${path}`);
    throw new EcouteError('CONFIG_UNREADABLE', `config file ${path} cannot be read: ${errorMessage(error)}`, { cause: error });
  }
  if (info.isDirectory()) {
    throw new EcouteError('CONFIG_NOT_FOUND', `config file ${path} is a directory, not a file: give the YAML file itself (e.g. ${join(path, 'ecoute.yaml')})`);
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new EcouteError('CONFIG_UNREADABLE', `config file ${path} cannot be read: ${errorMessage(error)}`, { cause: error });
  }
}

export function parseConfig(text: string, origin = 'config'): Readonly<Config> {
  const { config, problems } = checkConfig(text, origin);
  if (problems.length > 0 || config === undefined) throw configInvalid(origin, problems);
  return config;
}

/** The CONFIG_INVALID error listing every problem, each on its own line. */
export function configInvalid(origin: string, problems: readonly string[]): EcouteError {
  return new EcouteError('CONFIG_INVALID', `${origin} has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

export interface ConfigCheck {
  /** The validated, frozen config; undefined when there are problems. */
  config: Readonly<Config> | undefined;
  /** The YAML as data, valid or not, for further checks of what is there (`config validate`). */
  data: unknown;
  /** Every problem found, each starting with its path. */
  problems: string[];
}

/**
 * Validates the whole text and lists every problem: the schema's and the cross-checks', which run
 * on whatever parts are well-formed even when others are not, so one run shows them all.
 */
export function checkConfig(text: string, origin = 'config'): ConfigCheck {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${origin}: ${e.message.split('\n')[0]}`);
    throw new EcouteError('CONFIG_INVALID', `invalid YAML\n${lines.join('\n')}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = ConfigSchema.safeParse(data);
  const problems = result.success ? [] : result.error.issues.flatMap(describeIssue);
  problems.push(...crossChecks(data));
  if (problems.length > 0) return { config: undefined, data, problems };
  return { config: deepFreeze(result.data as Config), data, problems };
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
