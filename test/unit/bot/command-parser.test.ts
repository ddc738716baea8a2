import assert from 'node:assert/strict';
import { botCommandSchema } from '../../../bot/commands/bot-command.js';
import { parseCommand } from '../../../bot/commands/command-parser.js';

describe('bot command parser', () => {
  const commands: readonly (readonly [string, unknown])[] = [
    ['help', { name: 'help' }],
    ['  HELP ', { name: 'help' }],
    ['', { name: 'help' }],
    ['?', { name: 'help' }],
    ['clients', { name: 'clients' }],
    ['whoami', { name: 'whoami' }],
    ['status', { name: 'status' }],
    ['status contoso', { name: 'status', client: 'contoso' }],
    ['status --client contoso', { name: 'status', client: 'contoso' }],
    ['sync fabrikam', { name: 'sync', client: 'fabrikam' }],
    ['/sync', { name: 'sync' }],
    ['users', { name: 'users', args: [] }],
    ['users contoso adele', { name: 'users', args: ['contoso', 'adele'] }],
    ['users "Adele Vance" --expired', { name: 'users', args: ['Adele Vance'], filter: 'expired' }],
    ['users --client contoso --disabled', { name: 'users', client: 'contoso', args: [], filter: 'disabled' }],
    ['users —expired', { name: 'users', args: [], filter: 'expired' }],
    ['users contoso --external', { name: 'users', args: ['contoso'], filter: 'external' }],
    ['users contoso --blocked', { name: 'users', args: ['contoso'], filter: 'blocked' }],
    ['import adele@contoso.com', { name: 'import', user: 'adele@contoso.com' }],
    ['disable Adele Vance', { name: 'disable', user: 'Adele Vance' }],
    ['disable “Adele Vance” --client contoso', { name: 'disable', client: 'contoso', user: 'Adele Vance' }],
    ['offboard Adele Vance', { name: 'offboard', user: 'Adele Vance' }],
    [
      'offboard adele@contoso.com --client demo',
      { name: 'offboard', client: 'demo', user: 'adele@contoso.com' },
    ],
    ['groups', { name: 'groups' }],
    ['find adele', { name: 'find', text: 'adele' }],
    ['find Adele Vance', { name: 'find', text: 'Adele Vance' }],
    ['FIND adele@contoso.com', { name: 'find', text: 'adele@contoso.com' }],
    ['groups sales team', { name: 'groups', search: 'sales team' }],
    ['exclude Contractors', { name: 'exclude', group: 'Contractors' }],
    ["exclude 'All Staff' --client demo", { name: 'exclude', client: 'demo', group: 'All Staff' }],
    ['report usage', { name: 'report', kind: 'usage' }],
    ['report MFA contoso', { name: 'report', kind: 'mfa', client: 'contoso' }],
    ['report sso --group "Sales team"', { name: 'report', kind: 'sso', group: 'Sales team' }],
    ['notifications on', { name: 'notifications', enabled: true }],
    ['licences', { name: 'licences' }],
    ['licenses contoso', { name: 'licences', client: 'contoso' }],
    ['licences --client contoso', { name: 'licences', client: 'contoso' }],
    ['notifications off contoso', { name: 'notifications', enabled: false, client: 'contoso' }],
    ['disable&nbsp;adele', { name: 'disable', user: 'adele' }],
    // Names with spaces need no quotes: a client-only command takes every word, an option every word up to the next.
    ['status Northwind Traders', { name: 'status', client: 'Northwind Traders' }],
    ['sync --client Northwind Traders', { name: 'sync', client: 'Northwind Traders' }],
    ['licences Northwind Traders', { name: 'licences', client: 'Northwind Traders' }],
    ['report mfa --group Sales Department', { name: 'report', kind: 'mfa', group: 'Sales Department' }],
    [
      'report mfa --group Sales Department --client Northwind Traders',
      { name: 'report', kind: 'mfa', group: 'Sales Department', client: 'Northwind Traders' },
    ],
    ['report usage Northwind Traders', { name: 'report', kind: 'usage', client: 'Northwind Traders' }],
    [
      'notifications on Northwind Traders',
      { name: 'notifications', enabled: true, client: 'Northwind Traders' },
    ],
    [
      'disable Adele Cho --client Northwind Traders',
      { name: 'disable', client: 'Northwind Traders', user: 'Adele Cho' },
    ],
    ['exclude Sales Squad L3 --client demo', { name: 'exclude', client: 'demo', group: 'Sales Squad L3' }],
  ];

  for (const [text, expected] of commands) {
    it(`reads “${text}” as ${JSON.stringify(expected)}`, () => {
      const parsed = parseCommand(text);
      assert.deepEqual(parsed, { kind: 'command', command: expected });
      // What the parser produces is what a card may carry back: the same schema accepts it.
      assert.ok(botCommandSchema.safeParse(expected).success);
    });
  }

  const invalid: readonly (readonly [string, RegExp])[] = [
    ['import', /name the user/],
    ['disable --client contoso', /name the user/],
    ['offboard', /name the user to offboard: `offboard <UPN, mail or name>`/],
    ['offboard adele --expired', /--expired does not apply/],
    ['exclude', /name the group/],
    ['report', /say which report/],
    ['report revenue', /there is no report “revenue”: say which report, `report usage\|sso\|mfa\|billing`/],
    ['notifications maybe', /notifications on/],
    ['users --expired --disabled', /one of --expired, --disabled, --external or --blocked/],
    ['status a --client b', /name the client once/],
    ['groups --expired', /--expired does not apply/],
    ['status --group x', /--group does not apply/],
    ['users --bogus', /do not know the option --bogus/],
    ['users --client', /--client needs a name/],
    ['find', /say what to find/],
    ['find adele --client contoso', /leave out `--client`/],
  ];

  for (const [text, problem] of invalid) {
    it(`explains what is wrong with “${text}”`, () => {
      const parsed = parseCommand(text);
      assert.equal(parsed.kind, 'invalid');
      assert.match(parsed.problem, problem);
    });
  }

  it('anything else is unknown (and answered with the help), never silence', () => {
    assert.deepEqual(parseCommand('frobnicate the users'), { kind: 'unknown', text: 'frobnicate' });
    const long = parseCommand('x'.repeat(2_000));
    assert.equal(long.kind, 'unknown');
    assert.ok(long.text.length < 50);
  });
});
