import { REPORT_KINDS, type BotCommand, type ParsedMessage, type ReportKindName } from './bot-command.js';

/** Messages longer than this are not commands (and are not echoed back whole). */
const MAX_COMMAND_LENGTH = 500;

/**
 * Parses what a person typed to the bot (the @mention already removed) into a command. Words are separated by
 * spaces; "double", 'single' or “curly” quotes keep a name with spaces together. Options: `--client <name>` on
 * any command, `--group <name>` on `report`, `--expired` / `--disabled` / `--external` on `users`. Pure: the handlers decide
 * what the words refer to.
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
        const problem = unexpected([]) ?? tooMany(positional, 1);
        if (problem !== undefined) return describeProblem(problem);
        const named = positional[0] ?? client;
        return { name, ...(named === undefined ? {} : { client: named }) };
      }
      case 'users': {
        const problem = unexpected(['expired', 'disabled', 'external']);
        if (problem !== undefined) return describeProblem(problem);
        const chosen = (['expired', 'disabled', 'external'] as const).filter((flag) => flags.has(flag));
        if (chosen.length > 1) return 'use one of --expired, --disabled or --external, not several';
        const filter = chosen[0];
        return {
          name: 'users',
          ...clientPart,
          args: positional.slice(0, 20),
          ...(filter === undefined ? {} : { filter }),
        };
      }
      case 'import':
      case 'disable': {
        const problem = unexpected([]);
        if (problem !== undefined) return describeProblem(problem);
        if (positional.length === 0) return `name the user to ${name}: \`${name} <UPN, mail or name>\``;
        return { name, ...clientPart, user: positional.join(' ') };
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
        if (kind === undefined || !isReportKind(kind))
          return `say which report: \`report ${REPORT_KINDS.join('|')}\``;
        const more = tooMany(positional, 2);
        if (more !== undefined) return describeProblem(more);
        const named = positional[1] ?? client;
        return {
          name: 'report',
          kind,
          ...(named === undefined ? {} : { client: named }),
          ...(group === undefined ? {} : { group }),
        };
      }
      case 'licences':
      case 'licenses': {
        const problem = unexpected([]) ?? tooMany(positional, 1);
        if (problem !== undefined) return describeProblem(problem);
        const named = positional[0] ?? client;
        return { name: 'licences', ...(named === undefined ? {} : { client: named }) };
      }
      case 'notifications':
      case 'notification': {
        const problem = unexpected([]) ?? tooMany(positional, 2);
        if (problem !== undefined) return describeProblem(problem);
        const setting = positional[0]?.toLowerCase();
        if (setting !== 'on' && setting !== 'off') return 'say `notifications on` or `notifications off`';
        const named = positional[1] ?? client;
        return {
          name: 'notifications',
          enabled: setting === 'on',
          ...(named === undefined ? {} : { client: named }),
        };
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

function tooMany(positional: readonly string[], allowed: number): string | undefined {
  const extra = positional[allowed];
  return extra === undefined ? undefined : `extra:${extra}`;
}

function describeProblem(problem: string): string {
  if (problem.startsWith('extra:')) return `I did not expect '${problem.slice('extra:'.length)}' there`;
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

function extractOptions(tokens: readonly string[]): Options | string {
  const positional: string[] = [];
  const flags = new Set<string>();
  let client: string | undefined;
  let group: string | undefined;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? '';
    // Teams turns `--` into an en or em dash as people type.
    const option = /^(?:--|—|–)([a-z-]+)$/i.exec(token)?.[1]?.toLowerCase();
    if (option === undefined) {
      if (token.trim() !== '') positional.push(token);
      continue;
    }
    if (option === 'client' || option === 'group') {
      const value = tokens[index + 1];
      if (value === undefined || value.trim() === '') return `--${option} needs a name after it`;
      if (option === 'client') client = value;
      else group = value;
      index++;
      continue;
    }
    if (option === 'expired' || option === 'disabled' || option === 'external') {
      flags.add(option);
      continue;
    }
    return `I do not know the option --${option}`;
  }
  return { positional, client, group, flags };
}
