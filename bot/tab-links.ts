/** A place in the tab a card can link to. */
export type TabSection = 'users' | 'groups' | 'configure' | `reports/${'usage' | 'sso' | 'mfa' | 'billing'}`;

export interface TabLinksOptions {
  /** The app's public address (PUBLIC_BASE_URL): the tab is served at `<base>/tab/`. */
  readonly publicBaseUrl: string;
  /**
   * The Teams app id and the static tab's entity id, when known: links then open the tab inside Teams
   * (`https://teams.microsoft.com/l/entity/<app id>/<entity id>?webUrl=…&context={"subEntityId":…}`).
   */
  readonly teams?: { readonly appId: string; readonly entityId: string };
}

/**
 * Deep links from cards into the tab. The tab routes by hash (`#/c/<client>/<section>`), so the plain tab URL
 * works everywhere (browser, Agents Playground, Teams web); with the Teams app id configured the link opens the
 * personal tab inside Teams with the same route as its sub-entity.
 */
export class TabLinks {
  private readonly base: string;
  private readonly teams: TabLinksOptions['teams'];

  constructor(options: TabLinksOptions) {
    this.base = options.publicBaseUrl.replace(/\/+$/, '');
    this.teams = options.teams;
  }

  /** A client's section of the tab (the client by short name, as the tab's own links spell it). */
  client(clientName: string, section: TabSection): string {
    const route = `/c/${encodeURIComponent(clientName)}/${section}`;
    const webUrl = `${this.base}/tab/index.html#${route}`;
    if (this.teams === undefined) return webUrl;
    const context = encodeURIComponent(JSON.stringify({ subEntityId: route }));
    return `https://teams.microsoft.com/l/entity/${encodeURIComponent(this.teams.appId)}/${encodeURIComponent(this.teams.entityId)}?webUrl=${encodeURIComponent(webUrl)}&context=${context}`;
  }
}
