/**
 * A count and its noun, agreeing in number and with the count's thousands separated: `1 user`, `2,000 users`. For
 * the sentences the core writes (alert summaries, the doctor's findings) and the bot's cards (card-kit re-exports it);
 * the tab formats numbers in the browser's own way (tab/web/src/format.ts).
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
