/** The two SQL engines the store runs on; migrations and a few queries spell things per engine. */
export type SqlDialect = 'sqlite' | 'postgres';
