// How a command's failure maps to an exit code and a message: 0 success, 1 runtime failure, 2 bad
// usage or bad config. Apart from context.ts (which reads the config, and so loads every config
// schema) so that main.ts can start without them.
import { EcouteError, isEcouteError } from '../core/errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the user caused (bad flag, bad config, bad query): exit code 2. */
export class UsageError extends EcouteError {
  readonly exitCode = EXIT.usage;

  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** Ends the command with this exit code; what went wrong was already printed. */
export class SilentExit extends EcouteError {
  constructor(readonly exitCode: number) {
    super('EXIT_REPORTED', `exit ${exitCode}`);
    this.name = 'SilentExit';
  }
}

/** Maps an error to its exit code: 2 for usage and configuration, 1 for runtime failures. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof SilentExit) return error.exitCode;
  if (isEcouteError(error) && ['CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'CONFIG_UNREADABLE', 'QUERY_SYNTAX', 'BAD_CURSOR', 'BAD_REQUEST', 'USAGE', 'PRIVACY_AUTHOR_INVALID'].includes(error.code)) return EXIT.usage;
  return EXIT.failure;
}

/**
 * What the CLI prints after `ecoute: `: the catalogue code first, in brackets, so that a user can
 * look it up in docs/errors.md, then the message. An error with no code (a bug) prints its message.
 */
export function describeError(error: unknown): string {
  if (error instanceof EcouteError) return `[${error.code}] ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
