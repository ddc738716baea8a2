import type { SyncTrigger } from '../domain/vocabulary.js';
import type { IntegrationHealth } from './clients.js';

/**
 * Words about syncing the tab, the bot and the CLI all show. What started a sync run: `scheduled sync`, `(manual)`.
 */
export const SYNC_TRIGGER_WORDS: Readonly<Record<SyncTrigger, string>> = {
  initial: 'initial',
  schedule: 'scheduled',
  manual: 'manual',
};

/**
 * Why a list of a client's directory (users, groups) is empty while the client is not connected: nothing has been
 * read from its tenant. `howToConnect` says where, in the surface's own terms ("under Setup"). Null once it is
 * connected: an empty list then says why in its own words.
 */
export function notReadYetWords(
  integration: IntegrationHealth,
  noun: 'user' | 'group',
  howToConnect: string,
): string | null {
  return integration === 'not connected'
    ? `No ${noun} is read yet: connect the client's Entra tenant ${howToConnect}.`
    : null;
}
