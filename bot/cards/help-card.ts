import { COMMAND_HELP } from '../commands/bot-command.js';
import { act } from './card-actions.js';
import {
  card,
  container,
  facts,
  heading,
  subtle,
  text,
  type AdaptiveCard,
  showPlaceholders,
  type CardElement,
} from './card-kit.js';

export interface HelpCardOptions {
  /** A first line: a welcome on install, or what was not understood. */
  readonly intro?: string;
  readonly introColor?: 'default' | 'warning' | 'attention';
}

/** The list of commands, shown for `help`, on install and for anything the bot does not understand. */
export function helpCard(options: HelpCardOptions = {}): AdaptiveCard {
  const body: CardElement[] = [heading('Entra identity manager')];
  if (options.intro !== undefined) body.push(text(options.intro, { color: options.introColor ?? 'default' }));
  body.push(
    container(
      [facts(COMMAND_HELP.map((line) => [showPlaceholders(line.usage), showPlaceholders(line.does)]))],
      'emphasis',
    ),
    subtle(
      showPlaceholders(
        'In a channel or group chat, @mention me first. Add “--client <name>” to the end of any command to pick the client; otherwise I use the client this chat is subscribed to, or the only one you can see, or I ask. Names with spaces need no quotes.',
      ),
    ),
  );
  return card(body, [
    act('My clients', 'clients.list', {}),
    act('Notifications on', 'notifications.set', { enabled: true }),
  ]);
}

/** Welcome on install: the help, introduced. */
export function welcomeCard(personal: boolean): AdaptiveCard {
  return helpCard({
    intro: personal
      ? 'Hello! I post sync status and notifications here, and you can manage your clients’ users and groups by typing a command. Notifications are on in this chat; say “notifications off” to stop them.'
      : 'Hello! @mention me with a command. Say “notifications on” to get this team’s clients’ notifications in this channel.',
  });
}
