/**
 * A count and its noun, agreeing in number and with the count's thousands separated: `1 user`, `2,000 users`. For
 * the sentences the core writes itself (alert summaries, the doctor's findings); the bot's cards and the tab have
 * their own beside their other formatting.
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
