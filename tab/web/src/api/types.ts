/**
 * The JSON the tab API answers, as the screens read it: the core's views (src/contracts), imported as types only so
 * that the browser bundle carries none of the server's code and a renamed field breaks this build's typecheck.
 */
export type * from '../../../../src/contracts/index.js';
