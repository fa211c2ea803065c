// Store errors are EcouteErrors from the one catalogue (src/core/errors.ts); these helpers keep the
// codes the stores use in one place.
import { EcouteError } from '../core/errors.js';

export function badRequest(message: string): EcouteError {
  return new EcouteError('BAD_REQUEST', message);
}

export function badCursor(message: string): EcouteError {
  return new EcouteError('BAD_CURSOR', message);
}
