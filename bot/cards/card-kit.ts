import type { TabLink } from '../tab-links.js';

/**
 * The small vocabulary every card builder uses: typed Adaptive Card 1.5 elements and actions (the subset Teams
 * renders), so builders stay pure functions of their data and a test can validate each with the real parser.
 */

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams renders card schema 1.5 at most (reference/teams-tech.md §8). */
export const CARD_VERSION = '1.5';

export type TextColor = 'default' | 'good' | 'warning' | 'attention' | 'accent';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface TextBlock {
  readonly type: 'TextBlock';
  readonly text: string;
  readonly wrap: true;
  readonly size?: 'small' | 'default' | 'medium' | 'large';
  readonly weight?: 'default' | 'bolder';
  readonly color?: TextColor;
  readonly isSubtle?: boolean;
  readonly spacing?: 'none' | 'small' | 'default' | 'medium';
  readonly separator?: boolean;
}

export interface FactSet {
  readonly type: 'FactSet';
  readonly facts: readonly { readonly title: string; readonly value: string }[];
}

export interface Column {
  readonly type: 'Column';
  readonly width: 'auto' | 'stretch' | number;
  readonly items: readonly CardElement[];
  readonly style?: ContainerStyle;
  readonly verticalContentAlignment?: 'top' | 'center';
  readonly minHeight?: string;
}

export interface ColumnSet {
  readonly type: 'ColumnSet';
  readonly columns: readonly Column[];
  readonly spacing?: 'none' | 'small' | 'default' | 'medium';
  readonly separator?: boolean;
}

export interface Container {
  readonly type: 'Container';
  readonly items: readonly CardElement[];
  readonly style?: ContainerStyle;
  readonly separator?: boolean;
  readonly spacing?: 'none' | 'small' | 'default' | 'medium';
}

export interface ActionSet {
  readonly type: 'ActionSet';
  readonly actions: readonly CardAction[];
}

export type CardElement = TextBlock | FactSet | ColumnSet | Container | ActionSet;

/** Universal Action: the bot receives `verb` and `data` in an `adaptiveCard/action` invoke. */
export interface ExecuteAction {
  readonly type: 'Action.Execute';
  readonly title: string;
  readonly verb: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly style?: 'default' | 'positive' | 'destructive';
}

export interface OpenUrlAction {
  readonly type: 'Action.OpenUrl';
  readonly title: string;
  readonly url: string;
}

export type CardAction = ExecuteAction | OpenUrlAction;

/**
 * Universal Actions' refresh: Teams invokes `action` for each user in `userIds` (at most 60) who sees the card, and
 * shows each the card the bot answers for them; others can refresh by hand.
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/user-specific-views
 */
export interface CardRefresh {
  readonly action: ExecuteAction;
  readonly userIds: readonly string[];
}

export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: typeof CARD_SCHEMA;
  readonly version: typeof CARD_VERSION;
  readonly refresh?: CardRefresh;
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
  readonly msteams?: { readonly width: 'Full' };
}

export function card(body: readonly CardElement[], actions: readonly CardAction[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    body,
    ...(actions.length === 0 ? {} : { actions }),
    msteams: { width: 'Full' },
  };
}

/**
 * Text colours that stay readable: Teams draws `good` (light green) and `warning` (yellow) text below WCAG's 4.5:1
 * on its light card background (and yellow on a warning container's beige), so such text is written in the
 * default colour — the container's style and the words carry the meaning.
 */
function readable(color: TextColor | undefined): TextColor | undefined {
  return color === 'good' || color === 'warning' ? 'default' : color;
}

export function heading(text: string, color: TextColor = 'default'): TextBlock {
  return {
    type: 'TextBlock',
    text: escapeMarkdown(text),
    wrap: true,
    size: 'medium',
    weight: 'bolder',
    color: readable(color) ?? 'default',
  };
}

export function text(
  value: string,
  options: Partial<Pick<TextBlock, 'color' | 'isSubtle' | 'size' | 'weight' | 'spacing' | 'separator'>> = {},
): TextBlock {
  const color = readable(options.color);
  return {
    type: 'TextBlock',
    text: escapeMarkdown(value),
    wrap: true,
    ...options,
    ...(color === undefined ? {} : { color }),
  };
}

export function subtle(value: string): TextBlock {
  return text(value, { isSubtle: true, size: 'small', spacing: 'small' });
}

export function facts(entries: readonly (readonly [string, string])[]): FactSet {
  return {
    type: 'FactSet',
    facts: entries.map(([title, value]) => ({ title: escapeMarkdown(title), value: escapeMarkdown(value) })),
  };
}

export function container(
  items: readonly CardElement[],
  style?: ContainerStyle,
  separator = false,
): Container {
  return {
    type: 'Container',
    items,
    ...(style === undefined ? {} : { style }),
    ...(separator ? { separator } : {}),
  };
}

export function actionSet(actions: readonly CardAction[]): ActionSet {
  return { type: 'ActionSet', actions };
}

export function execute(
  title: string,
  verb: string,
  data: Readonly<Record<string, unknown>>,
  style?: ExecuteAction['style'],
): ExecuteAction {
  return { type: 'Action.Execute', title, verb, data, ...(style === undefined ? {} : { style }) };
}

/**
 * A button that opens the tab. It takes only a {@link TabLink} (a Teams deep link), never a bare URL: opened from a
 * card, the tab's own address would land in a browser outside Teams.
 */
export function openTab(title: string, link: TabLink): OpenUrlAction {
  return { type: 'Action.OpenUrl', title, url: link };
}

/** A row: a stretching text column and, on its right, one button. */
export function rowWithAction(main: readonly CardElement[], action: CardAction | undefined): ColumnSet {
  return {
    type: 'ColumnSet',
    separator: true,
    spacing: 'small',
    columns: [
      { type: 'Column', width: 'stretch', items: main, verticalContentAlignment: 'center' },
      ...(action === undefined
        ? []
        : [
            {
              type: 'Column' as const,
              width: 'auto' as const,
              items: [actionSet([action])],
              verticalContentAlignment: 'center' as const,
            },
          ]),
    ],
  };
}

/**
 * A progress bar drawn with two coloured columns (card schema 1.5 has no progress element): `fraction` of the
 * width filled. Weights are whole percent; an empty or full bar is a single column.
 */
export function progressBar(fraction: number, style: ContainerStyle = 'good'): ColumnSet {
  const percent = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * 100);
  const segment = (width: number, segmentStyle: ContainerStyle): Column => ({
    type: 'Column',
    width,
    style: segmentStyle,
    minHeight: '8px',
    items: [],
  });
  const columns =
    percent <= 0
      ? [segment(1, 'emphasis')]
      : percent >= 100
        ? [segment(1, style)]
        : [segment(percent, style), segment(100 - percent, 'emphasis')];
  return { type: 'ColumnSet', spacing: 'small', columns };
}

/** A zero-width word joiner: invisible, and enough to keep a URL from being recognised as one. */
const JOIN = '\u2060';

/**
 * Text from Entra (names, descriptions, UPNs) must never format or link a card. Teams renders a CommonMark subset in
 * TextBlocks and facts — bold, italic, lists, links — and links bare URLs too
 * (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format,
 * https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features). So, keeping every character visible:
 * CommonMark's backslash escape for what could open a construct (backslash, asterisk, brackets, `<`, backtick, tilde,
 * an underscore that is not inside a word, and `#`, `>`, list markers at a line start), and a word joiner inside what
 * would be linked without any syntax (`://`, `www.`) and inside `{{` (the cards' DATE/TIME functions).
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\*[\]<`~]/g, (char) => `\\${char}`)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/^(\s*)(#|>|[-+](?=\s))/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/gm, '$1\\$2')
    .replace(/:\/\//g, `:${JOIN}//`)
    .replace(/www\./gi, (match) => `${match.slice(0, 3)}${JOIN}.`)
    .replace(/\{\{/g, `{${JOIN}{`);
}

/**
 * Our own usage text (`import <user>`, `--client <name>`) with its placeholders in single angle quotes (‹user›): Teams
 * drops an angle-bracketed word from a card's text as if it were an HTML tag, even escaped, so the help lost every
 * placeholder. Only for our texts — Entra text goes through {@link escapeMarkdown} unchanged.
 */
export function showPlaceholders(usage: string): string {
  return usage.replace(/<([^<>\n]+)>/g, '‹$1›');
}

/** `1234567` → `1,234,567`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `1 user`, `2,000 users`: the core's own helper, so cards and alert summaries count alike. */
export { plural } from '../../src/shared/plural.js';

/** ISO instant → `2026-11-26 03:30 UTC`; day-only when `dayOnly`. */
export function when(iso: string | null, dayOnly = false): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return dayOnly ? text.slice(0, 10) : `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10} %`;
}
