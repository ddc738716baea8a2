import type { SyncTrigger } from '../domain/vocabulary.js';

/** What started a sync run, in the words the tab, the bot and the CLI show (`scheduled sync`, `(manual)`). */
export const SYNC_TRIGGER_WORDS: Readonly<Record<SyncTrigger, string>> = {
  initial: 'initial',
  schedule: 'scheduled',
  manual: 'manual',
};
