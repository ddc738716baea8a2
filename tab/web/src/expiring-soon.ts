/**
 * "Expiring soon": the window of rule 11's expiry notifications ("will expire within 7 days"), whose link opens this
 * filter. The tab may not import the domain, so this is a copy of `EXPIRING_SOON_DAYS` in
 * src/domain/notification-rules.ts; test/unit/tab/format-days.test.ts keeps the two equal.
 */
export const EXPIRING_SOON_DAYS = 7;
