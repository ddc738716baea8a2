import {
  REPORT_KINDS,
  USER_LIST_FILTERS,
  type BotCommand,
  type ParsedMessage,
  type ReportKindName,
} from './bot-command.js';

/** Messages longer than this are not commands (and are not echoed back whole). */
const MAX_COMMAND_LENGTH = 500;

/**
 * Parses what a person typed to the bot (the @mention already removed) into a command. Words are separated by
 * spaces; "double", 'single' or “curly” quotes keep a name with spaces together, but are never needed: a name is every
 * word up to the next option (`--client Northwind Traders`, `--group Sales Department`), and a command whose only
 * argument is a client takes all its words (`status Northwind Traders`). Options: `--client <name>` on any command,
 * `--group <name>` on `report`, `--expired` / `--disabled` / `--external` / `--blocked` on `users`. Pure: the handlers decide what
 * the words refer to.
 */
export function parseCommand(input: string): ParsedMessage {
  const text = normalise(input);
  if (text === '') return { kind: 'command', command: { name: 'help' } };
  if (text.length > MAX_COMMAND_LENGTH) return { kind: 'unknown', text: `${text.slice(0, 40)}…` };
  const tokens = tokenize(text);
  const [first = '', ...rest] = tokens;
  const name = first.toLowerCase().replace(/^\//, '');
  const options = extractOptions(rest);
  if (typeof options === 'string') return { kind: 'invalid', command: name, problem: options };
  const { positional, client, group, flags } = options;
  const clientPart = client === undefined ? {} : { client };
  /** The client named by the words from `from` on, else by `--client`; both at once is one too many. */
  const clientWords = (from: number): { client?: string } | string => {
    const words = positional.slice(from).join(' ');
    if (words !== '' && client !== undefined) return `name the client once: \`${name} … --client <name>\``;
    const named = words === '' ? client : words;
    return named === undefined ? {} : { client: named };
  };
  const unexpected = (allowed: readonly string[]): string | undefined =>
    [...flags].find((flag) => !allowed.includes(flag)) ??
    (group !== undefined && !allowed.includes('group') ? 'group' : undefined);

  const build = (): BotCommand | string => {
    switch (name) {
      case 'help':
      case '?':
        return { name: 'help' };
      case 'clients':
        return { name: 'clients' };
      case 'whoami':
        return { name: 'whoami' };
      case 'status':
      case 'sync': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        const named = clientWords(0);
        return typeof named === 'string' ? named : { name, ...named };
      }
      case 'users': {
        const problem = unexpected(USER_LIST_FILTERS);
        if (problem !== undefined) return describeProblem(problem);
        const chosen = USER_LIST_FILTERS.filter((flag) => flags.has(flag));
        if (chosen.length > 1)
          return 'use one of --expired, --disabled, --external or --blocked, not several';
        const filter = chosen[0];
        return {
          name: 'users',
          ...clientPart,
          args: positional.slice(0, 20),
          ...(filter === undefined ? {} : { filter }),
        };
      }
      case 'import':
      case 'disable':
      case 'offboard': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        if (positional.length === 0) return `name the user to ${name}: \`${name} <UPN, mail or name>\``;
        return { name, ...clientPart, user: positional.join(' ') };
      }
      case 'find': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        if (client !== undefined)
          return 'find looks in every client you can see: leave out `--client`, or use `users <search> --client <name>`';
        if (positional.length === 0) return 'say what to find: `find <name, UPN or mail>`';
        return { name: 'find', text: positional.join(' ') };
      }
      case 'groups': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        const search = positional.join(' ');
        return { name: 'groups', ...clientPart, ...(search === '' ? {} : { search }) };
      }
      case 'exclude': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        if (positional.length === 0) return 'name the group to exclude: `exclude <group name>`';
        return { name: 'exclude', ...clientPart, group: positional.join(' ') };
      }
      case 'report': {
        const problem = unexpected(['group']);
        if (problem !== undefined) return describeProblem(problem);
        const kind = positional[0]?.toLowerCase();
        if (kind === undefined) return `say which report: \`report ${REPORT_KINDS.join('|')}\``;
        if (!isReportKind(kind))
          return `there is no report “${positional[0] ?? ''}”: say which report, \`report ${REPORT_KINDS.join('|')}\``;
        const named = clientWords(1);
        if (typeof named === 'string') return named;
        return { name: 'report', kind, ...named, ...(group === undefined ? {} : { group }) };
      }
      case 'licences':
      case 'licenses': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        const named = clientWords(0);
        return typeof named === 'string' ? named : { name: 'licences', ...named };
      }
      case 'notifications':
      case 'notification': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        const setting = positional[0]?.toLowerCase();
        if (setting !== 'on' && setting !== 'off') return 'say `notifications on` or `notifications off`';
        const named = clientWords(1);
        if (typeof named === 'string') return named;
        return { name: 'notifications', enabled: setting === 'on', ...named };
      }
      default:
        return '';
    }
  };

  const command = build();
  if (command === '') return { kind: 'unknown', text: first.slice(0, 40) };
  if (typeof command === 'string') return { kind: 'invalid', command: name, problem: command };
  return { kind: 'command', command };
}

function isReportKind(value: string): value is ReportKindName {
  return (REPORT_KINDS as readonly string[]).includes(value);
}

function describeProblem(problem: string): string {
  return `--${problem} does not apply to this command`;
}

/** Teams sends non-breaking spaces and HTML entities in text; collapse them to plain spaces. */
function normalise(input: string): string {
  return input
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .trim();
}

const QUOTES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’', '„': '“' };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const closing = QUOTES[char];
    if (closing !== undefined) {
      const end = text.indexOf(closing, index + 1);
      if (end > index) {
        tokens.push(text.slice(index + 1, end));
        index = end + 1;
        continue;
      }
    }
    let end = index;
    while (end < text.length && !/\s/.test(text.charAt(end))) end++;
    tokens.push(text.slice(index, end));
    index = end;
  }
  return tokens;
}

interface Options {
  readonly positional: string[];
  readonly client: string | undefined;
  readonly group: string | undefined;
  readonly flags: Set<string>;
}

/** `--client` → `client`; Teams turns `--` into an en or em dash as people type. */
function optionName(token: string): string | undefined {
  return /^(?:--|—|–)([a-z-]+)$/i.exec(token)?.[1]?.toLowerCase();
}

function isOption(token: string): boolean {
  return optionName(token) !== undefined;
}

function extractOptions(tokens: readonly string[]): Options | string {
  const positional: string[] = [];
  const flags = new Set<string>();
  let client: string | undefined;
  let group: string | undefined;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? '';
    const option = optionName(token);
    if (option === undefined) {
      if (token.trim() !== '') positional.push(token);
      continue;
    }
    if (option === 'client' || option === 'group') {
      // The name is every word up to the next option, so a name with spaces needs no quotes.
      const words: string[] = [];
      while (index + 1 < tokens.length && !isOption(tokens[index + 1] ?? ''))
        words.push(tokens[++index] ?? '');
      const value = words.join(' ').trim();
      if (value === '') return `--${option} needs a name after it`;
      if (option === 'client') client = value;
      else group = value;
      continue;
    }
    if ((USER_LIST_FILTERS as readonly string[]).includes(option)) {
      flags.add(option);
      continue;
    }
    return `I do not know the option --${option}`;
  }
  return { positional, client, group, flags };
}
