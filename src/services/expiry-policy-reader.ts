import type { Kysely } from 'kysely';
import type { ExpiryPolicy } from '../domain/expiry.js';
import { CollectionRepository } from '../store/collection-repository.js';
import type { Database } from '../store/schema.js';

/** The client's expiry policy (rule 8): its threshold, whether its tenant's activity has been read, and since when. */
export async function readExpiryPolicy(db: Kysely<Database>, clientId: string): Promise<ExpiryPolicy> {
  return new CollectionRepository(db).policy(clientId);
}
