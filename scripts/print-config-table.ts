import { renderConfigTable } from '../src/config/load-config.js';

/** Prints the README's configuration table from the settings schema (`npm run --silent docs:config`). */
process.stdout.write(`${renderConfigTable()}\n`);
