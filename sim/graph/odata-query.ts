/**
 * OData system query options as Graph accepts them: parsing (`$select`, `$filter`, `$top`, `$skiptoken`, …), a
 * `$filter` grammar covering what directory and reporting endpoints support (comparisons, `in`, `startsWith`,
 * `endsWith`, lambdas such as `resourceProvisioningOptions/any(x:x eq 'Team')`, `and`/`or`/`not`), validation of the
 * operators each property allows (with the advanced-query rule), and evaluation against an object.
 */
import { badRequest, unsupportedQuery } from './errors.js';

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterOperator = ComparisonOperator | 'in' | 'startsWith' | 'endsWith' | 'any' | 'not';

export type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: ComparisonOperator; path: string; value: Literal }
  | { kind: 'in'; path: string; values: Literal[] }
  | { kind: 'function'; name: 'startsWith' | 'endsWith'; path: string; value: Literal }
  | { kind: 'lambda'; path: string; quantifier: 'any' | 'all'; variable: string; body: FilterNode };

/** The parsed system query options of one request. */
export interface ODataQuery {
  readonly select: readonly string[] | undefined;
  readonly filter: FilterNode | undefined;
  readonly filterText: string | undefined;
  readonly top: number | undefined;
  readonly skiptoken: string | undefined;
  readonly deltatoken: string | undefined;
  /** `$count=true`. */
  readonly count: boolean;
  /** Lower-case names of every `$` option present (for per-endpoint allow lists). */
  readonly options: ReadonlySet<string>;
  /** Non-`$` parameters and `$` options, in request order, for rebuilding nextLinks. */
  readonly params: readonly (readonly [string, string])[];
}

/** Every OData system query option the parser knows; each endpoint's row in query-options.ts accepts some of them. */
export const ALL_QUERY_OPTIONS = [
  '$select',
  '$filter',
  '$top',
  '$skip',
  '$skiptoken',
  '$deltatoken',
  '$count',
  '$orderby',
  '$expand',
  '$search',
  '$format',
  '$apply',
] as const;

export type QueryOption = (typeof ALL_QUERY_OPTIONS)[number];

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(ALL_QUERY_OPTIONS);

/** Parses the query string; throws Graph's 400 for malformed options. */
export function parseQuery(search: URLSearchParams): ODataQuery {
  const options = new Set<string>();
  const params: [string, string][] = [];
  const values = new Map<string, string>();
  for (const [rawKey, value] of search) {
    const key = rawKey.startsWith('$') ? rawKey.toLowerCase() : rawKey;
    if (key.startsWith('$')) {
      if (!KNOWN_OPTIONS.has(key)) throw badRequest(`Query option '${rawKey}' is not allowed.`);
      if (options.has(key))
        throw badRequest(
          `Query option '${rawKey}' was specified more than once, but it must be specified at most once.`,
        );
      options.add(key);
      values.set(key, value);
    }
    params.push([key, value]);
  }

  const selectText = values.get('$select');
  const select =
    selectText === undefined
      ? undefined
      : selectText
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  if (select?.length === 0) throw badRequest("Invalid $select: the value can't be empty.");

  const topText = values.get('$top');
  let top: number | undefined;
  if (topText !== undefined) {
    if (!/^-?\d+$/.test(topText.trim()))
      throw badRequest(`Invalid value '${topText}' for query option '$top'.`);
    top = Number.parseInt(topText, 10);
  }

  const countText = values.get('$count');
  if (countText !== undefined && !/^(true|false)$/i.test(countText)) {
    throw badRequest(`Invalid value '${countText}' for query option '$count'.`);
  }

  const filterText = values.get('$filter');
  return {
    select,
    filter: filterText === undefined ? undefined : parseFilter(filterText),
    filterText,
    top,
    skiptoken: values.get('$skiptoken'),
    deltatoken: values.get('$deltatoken'),
    count: countText?.toLowerCase() === 'true',
    options,
    params,
  };
}

// ------------------------------------------------------------------------------------------- filter parser ---

type Token =
  | { type: 'ident'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; value: number }
  | { type: 'literal'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' | ':' | '/' };

const invalidFilter = (detail: string): Error => badRequest(`Invalid filter clause: ${detail}`);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalidFilter('unterminated string literal.');
        const d = text.charAt(i);
        if (d === "'") {
          if (text.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      tokens.push({ type: 'string', text: value });
    } else if ('(),:/'.includes(c)) {
      tokens.push({ type: 'punct', text: c as '(' | ')' | ',' | ':' | '/' });
      i++;
    } else {
      // Unquoted literal: identifier, number, boolean, null, GUID or DateTimeOffset (2025-01-01T00:00:00Z).
      const match = /^[A-Za-z0-9_.:+-]+/.exec(text.slice(i));
      if (!match) throw invalidFilter(`unexpected character '${c}'.`);
      let word = match[0];
      // A ':' belongs to a datetime; otherwise it is the lambda separator (x:x eq 'Team').
      if (word.includes(':') && !/^\d{4}-\d{2}-\d{2}T/.test(word)) word = word.slice(0, word.indexOf(':'));
      i += word.length;
      if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ type: 'number', value: Number(word) });
      else if (/^\d{4}-\d{2}-\d{2}/.test(word) || /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(word))
        tokens.push({ type: 'literal', text: word });
      else tokens.push({ type: 'ident', text: word });
    }
  }
  return tokens;
}

class FilterParser {
  private position = 0;
  private readonly lambdaVariables: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.position < this.tokens.length) throw invalidFilter('unexpected trailing input.');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.type === 'ident' && token.text.toLowerCase() === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) throw invalidFilter(`expected '${text}'.`);
    this.position++;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.position++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isWord('and')) {
      this.position++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.isWord('not')) {
      this.position++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.isPunct('(')) {
      this.position++;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): FilterNode {
    const token = this.peek();
    if (token?.type !== 'ident') throw invalidFilter('expected a property name.');
    const lower = token.text.toLowerCase();
    if (
      (lower === 'startswith' || lower === 'endswith') &&
      this.tokens[this.position + 1]?.type === 'punct'
    ) {
      this.position++;
      this.expectPunct('(');
      const path = this.parsePath();
      this.expectPunct(',');
      const value = this.parseLiteral();
      this.expectPunct(')');
      return { kind: 'function', name: lower === 'startswith' ? 'startsWith' : 'endsWith', path, value };
    }
    const path = this.parsePath();
    if (this.isPunct('/')) {
      // Lambda: path/any(x: body)
      this.position++;
      const quantifierToken = this.peek();
      const quantifier = quantifierToken?.type === 'ident' ? quantifierToken.text.toLowerCase() : '';
      if (quantifier !== 'any' && quantifier !== 'all') throw invalidFilter('expected any or all.');
      this.position++;
      this.expectPunct('(');
      const variableToken = this.peek();
      if (variableToken?.type !== 'ident') throw invalidFilter('expected a lambda variable.');
      this.position++;
      this.expectPunct(':');
      this.lambdaVariables.push(variableToken.text);
      const body = this.parseOr();
      this.lambdaVariables.pop();
      this.expectPunct(')');
      return { kind: 'lambda', path, quantifier, variable: variableToken.text, body };
    }
    const opToken = this.peek();
    const op = opToken?.type === 'ident' ? opToken.text.toLowerCase() : '';
    this.position++;
    if (op === 'in') {
      this.expectPunct('(');
      const values = [this.parseLiteral()];
      while (this.isPunct(',')) {
        this.position++;
        values.push(this.parseLiteral());
      }
      this.expectPunct(')');
      return { kind: 'in', path, values };
    }
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op)) throw invalidFilter(`unknown operator '${op}'.`);
    return { kind: 'compare', op: op as ComparisonOperator, path, value: this.parseLiteral() };
  }

  /** `a`, `a/b` (complex property), stopping before `/any(`. */
  private parsePath(): string {
    const first = this.peek();
    if (first?.type !== 'ident') throw invalidFilter('expected a property name.');
    this.position++;
    let path = first.text;
    while (this.isPunct('/')) {
      const next = this.tokens[this.position + 1];
      const after = this.tokens[this.position + 2];
      if (next?.type !== 'ident' || (after?.type === 'punct' && after.text === '(')) break;
      this.position += 2;
      path += `/${next.text}`;
    }
    return path;
  }

  private parseLiteral(): Literal {
    const token = this.peek();
    this.position++;
    if (!token) throw invalidFilter('expected a value.');
    switch (token.type) {
      case 'string':
        return token.text;
      case 'number':
        return token.value;
      case 'literal':
        return token.text;
      case 'ident': {
        const lower = token.text.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        if (lower === 'null') return null;
        throw invalidFilter(`'${token.text}' is not a value.`);
      }
      case 'punct':
        throw invalidFilter(`unexpected '${token.text}'.`);
    }
  }
}

export function parseFilter(text: string): FilterNode {
  if (text.trim() === '') throw badRequest('Invalid filter clause: the filter is empty.');
  return new FilterParser(tokenize(text)).parse();
}

// --------------------------------------------------------------------------------- capabilities and checks ---

/** Operators a filterable property allows by default, and those that need an advanced query. */
export interface PropertyFilterRule {
  readonly operators: readonly FilterOperator[];
  readonly advanced?: readonly FilterOperator[];
}

export type FilterRules = Readonly<Record<string, PropertyFilterRule>>;

export interface FilterCheckOptions {
  readonly rules: FilterRules;
  /** `ConsistencyLevel: eventual` and `$count=true` both present. */
  readonly advancedQuery: boolean;
  /** Entity name for messages, e.g. `User`. */
  readonly resource: string;
}

/** Walks the filter and rejects properties and operators the endpoint does not support, like Graph does. */
export function checkFilter(node: FilterNode, options: FilterCheckOptions): void {
  const allow = (path: string, op: FilterOperator): void => {
    const rule = findRule(options.rules, path);
    if (!rule) {
      throw unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${path}' of resource '${options.resource}'.`,
      );
    }
    if (rule.operators.includes(op)) return;
    if (rule.advanced?.includes(op)) {
      if (options.advancedQuery) return;
      throw unsupportedQuery(
        `Operator '${op}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
      );
    }
    throw unsupportedQuery(
      `Unsupported filter operator '${op}' for property '${path}' of resource '${options.resource}'.`,
    );
  };
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        walk(n.left);
        walk(n.right);
        return;
      case 'not':
        if (n.operand.kind === 'lambda') allow(n.operand.path, 'not');
        else allowNot(n.operand);
        walk(n.operand);
        return;
      case 'compare':
        allow(n.path, n.op);
        return;
      case 'in':
        allow(n.path, 'in');
        return;
      case 'function':
        allow(n.path, n.name);
        return;
      case 'lambda':
        allow(n.path, 'any');
        return;
    }
  };
  const allowNot = (n: FilterNode): void => {
    if (n.kind === 'compare' || n.kind === 'in' || n.kind === 'function') allow(n.path, 'not');
  };
  walk(node);
}

function findRule(rules: FilterRules, path: string): PropertyFilterRule | undefined {
  const lower = path.toLowerCase();
  for (const [name, rule] of Object.entries(rules)) if (name.toLowerCase() === lower) return rule;
  return undefined;
}

/** Paths the filter mentions (lower-case), e.g. to learn that it touches signInActivity. */
export function filterPaths(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterPaths(node.left), ...filterPaths(node.right)];
    case 'not':
      return filterPaths(node.operand);
    default:
      return [node.path.toLowerCase()];
  }
}

// ------------------------------------------------------------------------------------------------ evaluate ---

/** Reads a (possibly `a/b`) property of the object being filtered. */
export type PropertyReader = (path: string) => unknown;

export function evaluateFilter(node: FilterNode, read: PropertyReader): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, read) && evaluateFilter(node.right, read);
    case 'or':
      return evaluateFilter(node.left, read) || evaluateFilter(node.right, read);
    case 'not':
      return !evaluateFilter(node.operand, read);
    case 'compare':
      return compareValues(read(node.path), node.op, node.value);
    case 'in':
      return node.values.some((value) => compareValues(read(node.path), 'eq', value));
    case 'function': {
      const actual = read(node.path);
      if (typeof actual !== 'string' || typeof node.value !== 'string') return false;
      const a = actual.toLowerCase();
      const v = node.value.toLowerCase();
      return node.name === 'startsWith' ? a.startsWith(v) : a.endsWith(v);
    }
    case 'lambda': {
      const items = read(node.path);
      if (!Array.isArray(items)) return false;
      const test = (item: unknown): boolean =>
        evaluateFilter(node.body, (path) =>
          path.toLowerCase() === node.variable.toLowerCase() ? item : undefined,
        );
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
  }
}

function compareValues(actual: unknown, op: ComparisonOperator, expected: Literal): boolean {
  if (actual === undefined) return false;
  if (expected === null || actual === null) {
    const equal = actual === expected;
    return op === 'eq' ? equal : op === 'ne' ? !equal : false;
  }
  let a: number | string | boolean;
  let e: number | string | boolean;
  if (
    typeof actual === 'string' &&
    typeof expected === 'string' &&
    isDateLike(actual) &&
    isDateLike(expected)
  ) {
    a = Date.parse(actual);
    e = Date.parse(expected);
  } else if (typeof actual === 'string' && typeof expected === 'string') {
    // Directory string comparisons are case-insensitive.
    a = actual.toLowerCase();
    e = expected.toLowerCase();
  } else if (
    typeof actual === typeof expected &&
    (typeof actual === 'number' || typeof actual === 'boolean')
  ) {
    a = actual;
    e = expected;
  } else {
    return op === 'ne';
  }
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

function isDateLike(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value);
}

/**
 * Bounds a filter puts on one date property when it is a conjunction (`ge`/`gt` lower, `le`/`lt` upper, `eq`
 * both). Used to binary-search the sign-in log instead of scanning it; `or`/`not` give no bounds.
 */
export function dateBounds(node: FilterNode, path: string): { fromMs?: number; toMs?: number } {
  const bounds: { fromMs?: number; toMs?: number } = {};
  const visit = (n: FilterNode): void => {
    if (n.kind === 'and') {
      visit(n.left);
      visit(n.right);
      return;
    }
    if (n.kind !== 'compare' || n.path.toLowerCase() !== path.toLowerCase() || typeof n.value !== 'string')
      return;
    const ms = Date.parse(n.value);
    if (Number.isNaN(ms)) return;
    const raise = (from: number): void => void (bounds.fromMs = Math.max(bounds.fromMs ?? from, from));
    const lower = (to: number): void => void (bounds.toMs = Math.min(bounds.toMs ?? to, to));
    if (n.op === 'ge') raise(ms);
    else if (n.op === 'gt') raise(ms + 1);
    else if (n.op === 'le') lower(ms + 1);
    else if (n.op === 'lt') lower(ms);
    else if (n.op === 'eq') {
      raise(ms);
      lower(ms + 1);
    }
  };
  visit(node);
  return bounds;
}

/** True when the filter is only a date-bounds conjunction on `path` (no row-level evaluation needed). */
export function onlyDateBounds(node: FilterNode, path: string): boolean {
  if (node.kind === 'and') return onlyDateBounds(node.left, path) && onlyDateBounds(node.right, path);
  return node.kind === 'compare' && node.path.toLowerCase() === path.toLowerCase() && node.op !== 'ne';
}

/** Validates a datetime literal used in a filter. */
export function assertDateLiterals(node: FilterNode, path: string): void {
  const visit = (n: FilterNode): void => {
    if (n.kind === 'and' || n.kind === 'or') {
      visit(n.left);
      visit(n.right);
    } else if (n.kind === 'not') {
      visit(n.operand);
    } else if (n.kind === 'compare' && n.path.toLowerCase() === path.toLowerCase()) {
      if (typeof n.value !== 'string' || Number.isNaN(Date.parse(n.value))) {
        throw badRequest(`Invalid filter clause: '${String(n.value)}' is not a valid DateTimeOffset.`);
      }
    }
  };
  visit(node);
}
