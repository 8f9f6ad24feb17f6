/** The change and why: a field table, the rationale, and each file's diff. */
import type { Remediation } from '../../outcome.js';
import { escapeCell, messages } from '../messages.js';
import { fence } from './markdown.js';

function fieldName(container: string | null, path: (string | number)[]): string {
  const dotted = path.map((part) => (typeof part === 'number' ? `[${part}]` : part)).join('.').replace(/\.\[/g, '[');
  return container ? `${container}: ${dotted}` : dotted;
}

function show(value: unknown): string {
  return value === undefined || value === null ? '(unset)' : `\`${String(value)}\``;
}

export function renderChange(remediation: Remediation, kind: 'pull_request' | 'issue'): string {
  const { outcome, diagnosis, location } = remediation;
  const heading = kind === 'pull_request' ? messages.changeHeading : messages.suggestedChangeHeading;
  if (diagnosis.changes.length === 0 && outcome.changes.length === 0) {
    return [heading, '', location ? messages.noChange : messages.sourceNotFound].join('\n');
  }
  const file = outcome.target?.file ?? location?.file ?? null;
  const columns = messages.changeColumns;
  const lines = [heading, ''];
  if (diagnosis.changes.length > 0) {
    lines.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`);
    for (const change of diagnosis.changes) {
      lines.push(`| ${file ? `\`${escapeCell(file)}\`` : messages.unknownFile} | \`${escapeCell(fieldName(change.container, change.path))}\` | ${show(change.previous)} | ${show(change.value)} |`);
    }
    lines.push('');
  }
  if (diagnosis.rationale) lines.push(`${messages.changeWhy} ${diagnosis.rationale}`, '');
  for (const fileChange of outcome.changes) {
    lines.push('<details>', `<summary>${messages.diffSummary(fileChange.file)}</summary>`, '', fence(fileChange.diff.trimEnd(), 'diff'), '', '</details>');
  }
  return lines.join('\n').trimEnd();
}
