import type { TabPlacementView } from '../src/services/tab-placement-service.js';

/**
 * A screen of the tab a card can open, with its filter: the users list (expired only, or expiring within 7 days), a
 * report, the setup.
 */
export type TabTarget =
  | { readonly section: 'users'; readonly filter?: 'expired' | 'expiring' }
  | {
      readonly section: 'reports';
      readonly kind: 'usage' | 'sso' | 'mfa' | 'billing';
      readonly group?: string;
    }
  | { readonly section: 'setup' }
  | { readonly section: 'licences' }
  | { readonly section: 'notifications' };

/** The client a link is about: its id (channel tabs are bound by it) and short name (the tab's routes use it). */
export interface LinkedClient {
  readonly id: string;
  readonly name: string;
}

declare const tabLinkBrand: unique symbol;
/**
 * A Teams deep link into the tab. Only {@link TabLinks} makes them and the cards' "open in the tab" action takes only
 * them, so every card button that opens the tab is a Teams deep link.
 */
export type TabLink = string & { readonly [tabLinkBrand]: true };

export interface TabLinksOptions {
  /** The app's public address (PUBLIC_BASE_URL): the tab is served at `<base>/tab/`, the deep links' `webUrl`. */
  readonly publicBaseUrl: string;
  /** The Teams app id (manifest `id`, or the org catalog's id once published): the deep links' `<appId>`. */
  readonly teamsAppId: string;
  /** The personal tab's `entityId` in appPackage/manifest.json. */
  readonly personalEntityId?: string;
}

/** The channel tab's entity id, as its configuration page saves it (`pages.config.setConfig`). */
export function channelTabEntityId(clientId: string): string {
  return `client:${clientId}`;
}

/**
 * Deep links from cards into the tab, in the format Teams documents for tabs
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application):
 * `https://teams.microsoft.com/l/entity/<appId>/<entityId>?webUrl=…&label=…&context={"subEntityId":…}` — the
 * personal tab, or the client's tab in the channel (`channelId`) or group chat (`chatId`) where the card is, when
 * one was added there. The sub-entity is the tab's own route (`/c/<client>/users?expired=1`): the tab reads it from
 * `context.page.subPageId` and opens that screen with that filter.
 */
export class TabLinks {
  private readonly base: string;
  private readonly appId: string;
  private readonly personalEntityId: string;

  constructor(options: TabLinksOptions) {
    this.base = options.publicBaseUrl.replace(/\/+$/, '');
    this.appId = options.teamsAppId;
    this.personalEntityId = options.personalEntityId ?? 'clients';
  }

  /** The tab's hash route for a target: what the deep link carries as `subEntityId`. */
  static route(client: LinkedClient, target: TabTarget): string {
    const base = `/c/${encodeURIComponent(client.name)}`;
    switch (target.section) {
      case 'users':
        return target.filter === undefined ? `${base}/users` : `${base}/users?${target.filter}=1`;
      case 'reports':
        return target.group === undefined
          ? `${base}/reports/${target.kind}`
          : `${base}/reports/${target.kind}?group=${encodeURIComponent(target.group)}`;
      case 'setup':
        return `${base}/setup`;
      case 'licences':
        return `${base}/licences`;
      case 'notifications':
        return `${base}/notifications`;
    }
  }

  /** A deep link to the target: in the client's tab of `place` when there is one, else in the personal tab. */
  client(client: LinkedClient, target: TabTarget, place?: TabPlacementView): TabLink {
    const route = TabLinks.route(client, target);
    const inPlace = place?.clientId === client.id ? place : undefined;
    const entityId = inPlace === undefined ? this.personalEntityId : channelTabEntityId(client.id);
    const context =
      inPlace === undefined
        ? { subEntityId: route }
        : inPlace.kind === 'channel'
          ? { subEntityId: route, channelId: inPlace.id }
          : { subEntityId: route, chatId: inPlace.id, contextType: 'chat' };
    const query = [
      `webUrl=${encodeURIComponent(`${this.base}/tab/index.html#${route}`)}`,
      `label=${encodeURIComponent(labelOf(client, target))}`,
      `context=${encodeURIComponent(JSON.stringify(context))}`,
    ].join('&');
    return `https://teams.microsoft.com/l/entity/${encodeURIComponent(this.appId)}/${encodeURIComponent(entityId)}?${query}` as TabLink;
  }
}

function labelOf(client: LinkedClient, target: TabTarget): string {
  switch (target.section) {
    case 'users':
      return target.filter === 'expired'
        ? `${client.name}: expired users`
        : target.filter === 'expiring'
          ? `${client.name}: users expiring soon`
          : `${client.name}: users`;
    case 'reports':
      return `${client.name}: ${target.kind} report`;
    case 'setup':
      return `${client.name}: setup`;
    case 'licences':
      return `${client.name}: licences`;
    case 'notifications':
      return `${client.name}: notifications`;
  }
}
