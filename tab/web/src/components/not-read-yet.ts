import type { ClientHeader } from '../api/types.js';
import { notReadYetWords } from '../../../../src/contracts/sync-words.js';

/**
 * What a list of a client's directory says while it is empty because nothing has been read from the tenant: the
 * client is not connected. Null once it is (an empty list then says why in its own words).
 */
export function notReadYet(client: ClientHeader, noun: 'user' | 'group'): string | null {
  return client.integration === 'not connected' ? notReadYetWords(noun, 'under Setup') : null;
}
