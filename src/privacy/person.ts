// Privacy (issue 14, H4): the person an erase or an export is about, as the user names them
// (`<source>:<handle>`, the handle being the author's id at that source), and their authorKey.
import { EcouteError } from '../core/errors.js';
import { authorKey } from '../core/ids.js';

export interface Person {
  source: string;
  handle: string;
  authorKey: string;
}

export function parsePerson(author: unknown, secret: string): Person {
  const text = typeof author === 'string' ? author : '';
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new EcouteError('PRIVACY_AUTHOR_INVALID', `--author must be <source>:<handle> (e.g. reddit:jane_doe), got ${typeof author === 'string' ? `"${text.slice(0, 80)}"` : 'nothing'}`);
  }
  const source = text.slice(0, colon);
  const handle = text.slice(colon + 1);
  return { source, handle, authorKey: authorKey(secret, source, handle) };
}
