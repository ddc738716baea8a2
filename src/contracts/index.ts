/**
 * The views the core answers and the edges show: types only, shared by the services, the tab API and the tab's
 * browser build (which imports them with `import type`, erased at build time). Renaming a field here breaks the
 * typecheck of every side that reads it. They use the domain's vocabulary (src/domain/vocabulary.ts) and nothing
 * else. (The few constants both sides share — input patterns, a day — are in values.ts, imported as values.)
 */
export type * from '../domain/vocabulary.js';
export type * from './alerts.js';
export type * from './audit.js';
export type * from './billing.js';
export type * from './clients.js';
export type * from './dashboard.js';
export type * from './errors.js';
export type * from './groups.js';
export type * from './integrations.js';
export type * from './licences.js';
export type * from './offboarding.js';
export type * from './user-actions.js';
export type * from './reports.js';
export type * from './search.js';
export type * from './sync.js';
export type * from './users.js';
