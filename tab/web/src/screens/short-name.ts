/** A short name from a display name: "Fabrikam Ltd" → `fabrikam-ltd`, "Société Générale" → `societe-generale`. */
export function shortNameFor(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
