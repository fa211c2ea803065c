// Where a webhook source's signing secret comes from: an environment variable (secret_env, by
// default ECOUTE_WEBHOOK_<SOURCE>_SECRET) or a file (secret_file). The config names where it is,
// never the secret itself; errors name the variable or file, never the value. Unlike other
// credentials (src/core/config/secret.ts), it has a default variable name and a minimum length.
import { readFileSync } from 'node:fs';
import { Secret } from '../../core/config/secret.js';
import { EcouteError, errorMessage } from '../../core/errors.js';
import type { WebhookConnectorConfig } from './config.js';

/** Short secrets can be guessed offline from one captured signature. */
export const MIN_SECRET_LENGTH = 16;

export function defaultSecretEnv(source: string): string {
  return `ECOUTE_WEBHOOK_${source.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SECRET`;
}

/** Where the secret of this connector is read from, for messages: `environment variable X` or `file Y`. */
export function secretOrigin(config: Pick<WebhookConnectorConfig, 'source' | 'secret_env' | 'secret_file'>): string {
  return config.secret_file !== undefined ? `file ${config.secret_file}` : `environment variable ${config.secret_env ?? defaultSecretEnv(config.source)}`;
}

export function readWebhookSecret(
  config: Pick<WebhookConnectorConfig, 'source' | 'secret_env' | 'secret_file'>,
  env: NodeJS.ProcessEnv = process.env,
): Secret {
  const where = `webhook "${config.source}": ${secretOrigin(config)}`;
  let secret: string | undefined;
  if (config.secret_file !== undefined) {
    try {
      secret = readFileSync(config.secret_file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new EcouteError('CONFIG_INVALID', `${where} cannot be read: ${errorMessage(error).replace(/^[A-Z]+: /, '')}`);
    }
  } else {
    secret = env[config.secret_env ?? defaultSecretEnv(config.source)];
  }
  if (secret === undefined || secret === '') {
    throw new EcouteError('CONFIG_INVALID', `${where} is ${config.secret_file !== undefined ? 'empty' : 'not set'}: set it to the signing secret shared with the sender (e.g. openssl rand -hex 32)`);
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new EcouteError('CONFIG_INVALID', `${where} holds a secret shorter than ${MIN_SECRET_LENGTH} characters: use a random one, e.g. openssl rand -hex 32`);
  }
  return new Secret(secret, secretOrigin(config));
}
