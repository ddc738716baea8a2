// @ts-check
/**
 * A provisioning step of teamsapp.yml (`uses: script`): remembers when the client secrets that `aadApp/create` has
 * just generated expire, so the server can warn before they do (README, "Rotating the app's own secrets").
 *
 *   node scripts/secret-expiry.mjs <days> NAME=<current value> [NAME=<current value> …]
 *
 * `<days>` is the `clientSecretExpireDays` the yml gives `aadApp/create`. For every NAME whose current value is
 * still empty (a secret generated in this run: the toolkit only generates one when its variable is empty), prints
 * the toolkit's output command `::set-teamsfx-env NAME=YYYY-MM-DD` (UTC) — the day the secret expires, which the
 * toolkit then writes to env/.env.<env>. A NAME that has a date already is left alone: the secret was reused.
 * Plain Node (no dependencies): provisioning runs before `npm install`.
 */

const DAY_IN_MS = 24 * 60 * 60 * 1000;

/**
 * @param {readonly string[]} args
 * @param {Date} now
 * @returns {string[]} the output commands
 */
export function secretExpiryCommands(args, now) {
  const [daysText = '', ...pairs] = args;
  const days = Number(daysText);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`the first argument must be the secret lifetime in whole days, not "${daysText}"`);
  }
  const expiresOn = new Date(now.getTime() + days * DAY_IN_MS).toISOString().slice(0, 10);
  const commands = [];
  for (const pair of pairs) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(pair);
    if (match === null) throw new Error(`"${pair}" is not NAME=value`);
    const [, name = '', value = ''] = match;
    // An unset variable reaches the script as its unresolved placeholder.
    const current = value.trim().startsWith('${{') ? '' : value.trim();
    if (current === '') commands.push(`::set-teamsfx-env ${name}=${expiresOn}`);
  }
  return commands;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  try {
    process.stdout.write(
      secretExpiryCommands(process.argv.slice(2), new Date())
        .map((line) => `${line}\n`)
        .join(''),
    );
  } catch (error) {
    process.stderr.write(`secret-expiry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
