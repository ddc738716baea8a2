/**
 * A client as one line reads it, in the bot's cards and the CLI alike: its display name, with its short name in
 * brackets unless the display name already says it — "Fabrikam Ltd (fabrikam-ltd)", but "Contoso (demo)", not
 * "Contoso (demo) (demo)".
 */
export function clientLabel(client: { readonly name: string; readonly displayName: string }): string {
  return client.displayName.toLowerCase().includes(client.name.toLowerCase())
    ? client.displayName
    : `${client.displayName} (${client.name})`;
}
