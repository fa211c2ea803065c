// Credentials never live in the config file: a connector names where to read each one, an
// environment variable (`client_secret_env: REDDIT_CLIENT_SECRET`) or a file (`client_secret_file:
// /run/secrets/reddit`, the Docker and Kubernetes convention). The fields are marked
// `secret: true` in the schema (and the JSON Schema). The value read is wrapped in Secret, which
// prints as "[secret]" in logs, JSON and util.inspect; only reveal() gives it, at the request that
// needs it. Every Secret registers its value with the process-wide scrubber (src/core/scrub.ts), which
// removes it from whatever is written to a topic, a log or the store; scrubSecrets() applies it.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { EcouteError, errorMessage } from '../errors.js';
import { REDACTED, secretScrubber } from '../scrub.js';

export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** Where it came from, e.g. "environment variable REDDIT_CLIENT_SECRET": safe to show. */
    readonly origin: string,
  ) {
    this.#value = value;
    // From now on no topic, log line or stored status may carry it.
    secretScrubber.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The two schema fields that say where the secret `name` comes from: `<name>_env` and
 * `<name>_file`, both marked secret.
 */
export function secretFields<N extends string>(name: N, what: string) {
  return {
    [`${name}_env`]: z
      .string()
      .regex(ENV_NAME, 'must be an environment variable name')
      .optional()
      .meta({ description: `Environment variable holding the ${what}. Never put the value itself in this file.`, secret: true }),
    [`${name}_file`]: z
      .string()
      .min(1)
      .optional()
      .meta({ description: `File holding the ${what} (trailing newline ignored), e.g. a Docker or Kubernetes secret; used when ${name}_env is not set.`, secret: true }),
  } as { [K in `${N}_env` | `${N}_file`]: z.ZodOptional<z.ZodString> };
}

/**
 * Reads the secret `name` as `config` says (`<name>_env`, else `<name>_file`). Undefined when the
 * config names neither; throws SOURCE_AUTH (naming the variable or file, never a value) when it
 * names one that is unset or unreadable.
 */
export function readSecret(config: object, name: string, env: NodeJS.ProcessEnv = process.env): Secret | undefined {
  const fields = config as Record<string, unknown>;
  const variable = fields[`${name}_env`];
  const file = fields[`${name}_file`];
  if (typeof variable === 'string') {
    const value = env[variable];
    if (value === undefined || value.trim() === '') {
      throw new EcouteError('SOURCE_AUTH', `${name}_env: environment variable ${variable} is not set`);
    }
    return new Secret(value.trim(), `environment variable ${variable}`);
  }
  if (typeof file === 'string') {
    let value: string;
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new EcouteError('SOURCE_AUTH', `${name}_file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
    }
    if (value === '') throw new EcouteError('SOURCE_AUTH', `${name}_file: ${file} is empty`);
    return new Secret(value, `file ${file}`);
  }
  return undefined;
}

/** Like readSecret, for a credential the connector cannot work without. */
export function requireSecret(config: object, name: string, env: NodeJS.ProcessEnv = process.env): Secret {
  const secret = readSecret(config, name, env);
  if (!secret) throw new EcouteError('SOURCE_AUTH', `${name}_env (or ${name}_file) is required`);
  return secret;
}

/**
 * Replaces every occurrence of the secrets' values (and their URL-encoded forms) in `text`: those
 * given, and every other secret this process read.
 */
export function scrubSecrets(text: string, secrets: readonly (Secret | undefined)[] = []): string {
  let out = secretScrubber.scrub(text);
  for (const secret of secrets) {
    if (!secret) continue;
    const value = secret.reveal();
    if (value.length < 4) continue;
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * A copy of `value` (validated against `schema`) with every field the schema marks secret
 * replaced by "[secret]": for printing a config, or attaching one to an error report.
 */
export function redactSecrets(value: unknown, schema: z.ZodType): unknown {
  const meta = schema.meta() as { secret?: boolean } | undefined;
  if (meta?.secret && value !== undefined) return REDACTED;
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return redactSecrets(value, def.innerType as z.ZodType);
    case 'pipe':
      return redactSecrets(value, def.out as z.ZodType);
    case 'array':
      return Array.isArray(value) ? value.map((v) => redactSecrets(v, def.element as z.ZodType)) : value;
    case 'object': {
      if (value === null || typeof value !== 'object') return value;
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? redactSecrets(v, shape[k]) : v]));
    }
    case 'union': {
      // A discriminated union: the option whose schema accepts the value decides.
      const options = def.options as z.ZodType[];
      const match = options.find((o) => o.safeParse(value).success);
      return match ? redactSecrets(value, match) : value;
    }
    default:
      return value;
  }
}
