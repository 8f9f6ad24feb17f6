/**
 * What "inert" means for markdown KubeCure sends to GitHub, checked the way GitHub reads it:
 * code spans and fenced blocks render literally, so hostile text is allowed there; everywhere
 * else it must not mention, reference, link, embed, inject HTML or open a comment.
 */
import { expect } from 'vitest';

/** The body with fenced blocks and code spans removed (CommonMark: a span closes on an equal backtick run). */
export function outsideCode(markdown: string): string {
  const kept: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opener = /^ {0,3}(`{3,})/.exec(line)?.[1];
    if (fence === null && opener) {
      fence = opener;
      continue;
    }
    if (fence !== null) {
      if (new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`).test(line)) fence = null;
      continue;
    }
    kept.push(line);
  }
  expect(fence, 'every fenced block is closed').toBeNull();
  return withoutCodeSpans(kept.join('\n'));
}

/** CommonMark code spans: a backtick run opens one that the next run of exactly the same length closes. */
function withoutCodeSpans(text: string): string {
  // A backslash-escaped backtick is literal text, not a delimiter.
  const runs = [...text.matchAll(/(?<!\\)`+/g)].map((match) => ({ start: match.index, length: match[0].length }));
  let result = '';
  let position = 0;
  for (let i = 0; i < runs.length; i++) {
    const opener = runs[i]!;
    if (opener.start < position) continue;
    const closer = runs.slice(i + 1).find((run) => run.length === opener.length);
    if (!closer) continue;
    result += `${text.slice(position, opener.start)} `;
    position = closer.start + closer.length;
    i = runs.indexOf(closer);
  }
  return result + text.slice(position);
}

/** Asserts that nothing outside code in a KubeCure body can act on a reader. */
export function expectInert(markdown: string): void {
  const prose = outsideCode(markdown.split('\n').filter((line) => !/^<!-- \/?kubecure:/.test(line)).join('\n'));
  expect(prose, 'no @mention').not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/);
  expect(prose, 'no #reference').not.toMatch(/(^|[^\w&])#\d/);
  expect(prose, 'no image').not.toMatch(/(^|[^\\])!\[/);
  expect(prose, 'no link').not.toMatch(/(^|[^\\])\]\(/);
  expect(prose, 'no autolink').not.toMatch(/https?:\/\/|www\./i);
  expect(prose, 'no raw HTML from untrusted text').not.toMatch(/(^|[^\\])<(?!\/?(details|summary)>|br>)[A-Za-z!/]/);
  // The only HTML comments are KubeCure's own markers, at the end.
  for (const line of markdown.split('\n').filter((text) => text.includes('<!--'))) expect(line).toMatch(/^<!-- \/?kubecure:/);
}
