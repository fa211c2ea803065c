// Bearer tokens of the API. Tokens come from the config (`api.tokens`, each read from an environment
// variable or a file, never written in the config); with none configured, écoute makes one admin
// token on first run and keeps it in data_dir/api-token (mode 0600, so only the user who started
// écoute reads it), as Jupyter does: the URL `ecoute run` prints carries it to the dashboard.
// Tokens are compared in constant time (on their SHA-256, so lengths do not leak either).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from '../core/private-files.js';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { EcouteError, errorMessage } from '../core/errors.js';
import { readSecret, type Secret } from '../core/config/secret.js';
import type { ApiConfig } from '../config/schema.js';
import { HttpError } from '../http/errors.js';

export type Scope = 'read' | 'admin';

export interface ApiToken {
  name: string;
  scope: Scope;
  digest: Buffer;
}

/** What the process knows of its tokens; `generated` is the token made under data_dir, if any. */
export interface ApiTokens {
  tokens: readonly ApiToken[];
  /** The token écoute made (no token configured): the dashboard URL carries it. */
  generated?: { value: string; file: string };
}

export const TOKEN_FILE = 'api-token';
const MIN_TOKEN_CHARS = 16;

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Reads the configured tokens, or makes (once) and reads the data_dir one when none is configured. */
export function loadTokens(api: Readonly<ApiConfig>, dataDir: string, env: NodeJS.ProcessEnv = process.env): ApiTokens {
  if (api.tokens.length > 0) {
    return {
      tokens: api.tokens.map((t, i) => {
        let secret: Secret | undefined;
        try {
          secret = readSecret(t, 'secret', env);
        } catch (error) {
          throw new EcouteError('CONFIG_INVALID', `api.tokens[${i}] (${t.name}): ${errorMessage(error)}`, { cause: error });
        }
        if (!secret) throw new EcouteError('CONFIG_INVALID', `api.tokens[${i}] (${t.name}): needs secret_env or secret_file`);
        if (secret.reveal().length < MIN_TOKEN_CHARS) {
          throw new EcouteError('CONFIG_INVALID', `api.tokens[${i}] (${t.name}): the token from ${secret.origin} has fewer than ${MIN_TOKEN_CHARS} characters; use e.g. \`openssl rand -hex 32\``);
        }
        return { name: t.name, scope: t.scope, digest: digestOf(secret.reveal()) };
      }),
    };
  }
  const file = join(dataDir, TOKEN_FILE);
  let value: string;
  if (existsSync(file)) {
    value = readFileSync(file, 'utf8').trim();
    // Kept private even if someone loosened it.
    chmodSync(file, 0o600);
  } else {
    ensurePrivateDir(dataDir);
    value = randomBytes(32).toString('base64url');
    // `wx`: never overwrite a token another process made meanwhile; mode applies at creation.
    try {
      writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      value = readFileSync(file, 'utf8').trim();
    }
  }
  if (value.length < MIN_TOKEN_CHARS) throw new EcouteError('CONFIG_INVALID', `${file} holds no usable API token: delete it and start écoute again to make a new one`);
  return { tokens: [{ name: 'generated', scope: 'admin', digest: digestOf(value) }], generated: { value, file } };
}

/** The token a request presents, matched against the known ones; throws 401 or 403. */
export function authorize(request: FastifyRequest, tokens: readonly ApiToken[], needed: Scope): ApiToken {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new HttpError(401, 'API_UNAUTHORIZED', 'this route needs a bearer token: send Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer' } });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'API_UNAUTHORIZED', 'the Authorization header must be "Bearer <token>"', { headers: { 'www-authenticate': 'Bearer' } });
  const digest = digestOf(match[1]!);
  // Every token is compared, so the time taken does not say which one (or whether any) matched.
  let found: ApiToken | undefined;
  for (const token of tokens) if (timingSafeEqual(token.digest, digest)) found = token;
  if (!found) throw new HttpError(401, 'API_UNAUTHORIZED', 'unknown bearer token', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  if (needed === 'admin' && found.scope !== 'admin') {
    throw new HttpError(403, 'API_FORBIDDEN', `the token "${found.name}" has scope ${found.scope}; this route needs scope admin`);
  }
  return found;
}
