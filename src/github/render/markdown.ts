/**
 * Quoted logs and events are untrusted: an HTML comment in them could imitate KubeCure's hidden
 * markers. A zero-width space keeps `<!--` from opening a comment and reads the same.
 */
export function neutralizeHtmlComments(text: string): string {
  return text.replace(/<!--/g, '<!\u200b--');
}

/** A fenced code block whose fence is longer than any backtick run inside the text. */
export function fence(untrusted: string, language = ''): string {
  const text = neutralizeHtmlComments(untrusted);
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}
