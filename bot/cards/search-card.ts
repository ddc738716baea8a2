import type { CrossClientSearchResult, SearchGroupHit, SearchUserHit } from '../../src/contracts/search.js';
import { act, clientLabel } from './card-actions.js';
import {
  actionSet,
  card,
  container,
  count,
  heading,
  plural,
  subtle,
  text,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
} from './card-kit.js';

/**
 * A card stays readable (and under Teams' size limit) with this many of each kind. Each hit carries its own buttons
 * in an ActionSet in the body (schema 1.2+, https://learn.microsoft.com/en-us/adaptive-cards/schema-explorer/action-set).
 */
const MAX_USERS_ON_CARD = 10;
const MAX_GROUPS_ON_CARD = 5;

/** A found user's buttons: the actions the core allowed this person, as the bot's own verbs (Disable asks first). */
function userButtons(hit: SearchUserHit): CardAction[] {
  const data = { client: hit.client.id, user: hit.id };
  return hit.actions.map((action) => {
    switch (action) {
      case 'open':
        return act('Details', 'user.show', data);
      case 'import':
        return act('Import', 'user.import', data, 'positive');
      case 'disable':
        return act('Disable…', 'user.disable.ask', data, 'destructive');
    }
  });
}

/** A found group's buttons; reporting on/off is left to the group's own card (Details). */
function groupButtons(hit: SearchGroupHit): CardAction[] {
  const data = { client: hit.client.id, group: hit.id };
  const buttons: CardAction[] = [];
  for (const action of hit.actions) {
    if (action === 'open') buttons.push(act('Details', 'group.show', data));
    else if (action === 'members') buttons.push(act('View users', 'group.members', data));
    else if (action === 'exclude')
      buttons.push(act('Exclude…', 'group.exclude.preview', data, 'destructive'));
  }
  return buttons;
}

function userItem(hit: SearchUserHit): CardElement {
  return container(
    [
      text(hit.displayName ?? hit.userPrincipalName ?? hit.id, { weight: 'bolder' }),
      text(`${hit.userPrincipalName ?? hit.mail ?? ''} · ${clientLabel(hit.client)}`, {
        isSubtle: true,
        size: 'small',
        spacing: 'none',
      }),
      text(`State: ${hit.states.join(', ')}`, { size: 'small', spacing: 'none' }),
      actionSet(userButtons(hit)),
    ],
    undefined,
    true,
  );
}

function groupItem(hit: SearchGroupHit): CardElement {
  return container(
    [
      text(hit.displayName ?? hit.id, { weight: 'bolder' }),
      text(`${clientLabel(hit.client)} · ${hit.state}${hit.reporting ? ' · used in reports' : ''}`, {
        isSubtle: true,
        size: 'small',
        spacing: 'none',
      }),
      actionSet(groupButtons(hit)),
    ],
    undefined,
    true,
  );
}

/** `find <text>`: users and groups matching it in every client the person may see, with what they may do. */
export function searchCard(result: CrossClientSearchResult): AdaptiveCard {
  const body: CardElement[] = [heading(`Found for “${result.text}”`)];
  if (result.users.length === 0 && result.groups.length === 0) {
    body.push(text(`Nothing matches in ${plural(result.clientsSearched, 'client')} you can see.`));
    return card(body);
  }
  body.push(
    subtle(
      `${plural(result.users.length, 'user')} and ${plural(result.groups.length, 'group')} in ${plural(result.clientsSearched, 'client')} you can see.`,
    ),
  );
  if (result.users.length > 0) body.push(text('Users', { weight: 'bolder', spacing: 'medium' }));
  for (const hit of result.users.slice(0, MAX_USERS_ON_CARD)) body.push(userItem(hit));
  if (result.groups.length > 0) body.push(text('Groups', { weight: 'bolder', spacing: 'medium' }));
  for (const hit of result.groups.slice(0, MAX_GROUPS_ON_CARD)) body.push(groupItem(hit));
  const hidden =
    Math.max(0, result.users.length - MAX_USERS_ON_CARD) +
    Math.max(0, result.groups.length - MAX_GROUPS_ON_CARD);
  if (hidden > 0 || result.truncated) {
    body.push(
      subtle(
        `${hidden > 0 ? `${count(hidden)} more not shown. ` : ''}Type more of the name, UPN or mail to narrow it down, or search in the tab.`,
      ),
    );
  }
  return card(body);
}
