/**
 * Who counts as a guest in the simulator's truth, by Microsoft's definitions: `userType` Guest, or no `userType` on
 * an account whose UPN carries `#EXT#` (a B2B account Entra did not classify). An external member (`#EXT#`,
 * userType Member) is a member. https://learn.microsoft.com/en-us/entra/external-id/user-properties
 */
export function isSimGuest(user: {
  readonly userType: string | null;
  readonly userPrincipalName: string;
}): boolean {
  return user.userType === 'Guest' || (user.userType === null && user.userPrincipalName.includes('#EXT#'));
}
