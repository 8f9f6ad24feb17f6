/** The change and why: a field table, the rationale, and each file's diff. */
import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, cell, code, codeCell, fence, inlineText, joinMarkdown, md, text } from './untrusted.js';

function fieldName(container: string | null, path: (string | number)[]): string {
  const dotted = path.map((part) => (typeof part === 'number' ? `[${part}]` : part)).join('.').replace(/\.\[/g, '[');
  return container ? `${container}: ${dotted}` : dotted;
}

/** Values come from the model or a rule: shown as code, never as markdown. */
function show(value: unknown): Markdown {
  return value === undefined || value === null ? Markdown.trusted('(unset)') : cell(code(String(value)));
}

export function renderChange(remediation: Remediation, kind: 'pull_request' | 'issue'): Markdown {
  const { outcome, diagnosis, location } = remediation;
  const heading = Markdown.trusted(kind === 'pull_request' ? messages.changeHeading : messages.suggestedChangeHeading);
  if (diagnosis.changes.length === 0 && outcome.changes.length === 0) {
    return joinMarkdown([heading, Markdown.trusted(''), Markdown.trusted(location ? messages.noChange : messages.sourceNotFound)]);
  }
  const file = outcome.target?.file ?? location?.file ?? null;
  const columns = messages.changeColumns;
  const lines: Markdown[] = [heading, md``];
  if (diagnosis.changes.length > 0) {
    lines.push(Markdown.trusted(`| ${columns.join(' | ')} |`), Markdown.trusted(`| ${columns.map(() => '---').join(' | ')} |`));
    const fileCell = file ? codeCell(file) : Markdown.trusted(messages.unknownFile);
    for (const change of diagnosis.changes) {
      lines.push(md`| ${fileCell} | ${codeCell(fieldName(change.container, change.path))} | ${show(change.previous)} | ${show(change.value)} |`);
    }
    lines.push(md``);
  }
  if (diagnosis.rationale) lines.push(md`${Markdown.trusted(messages.changeWhy)} ${text(diagnosis.rationale)}`, md``);
  for (const fileChange of outcome.changes) {
    lines.push(
      md`<details>`,
      md`<summary>${Markdown.trusted(messages.diffSummary)} ${inlineText(fileChange.file)}</summary>`,
      md``,
      fence(fileChange.diff.trimEnd(), 'diff'),
      md``,
      md`</details>`,
    );
  }
  return Markdown.trusted(joinMarkdown(lines).text.trimEnd());
}
