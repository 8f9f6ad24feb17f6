/** For issues: why KubeCure did not act, and the question a person has to answer. */
import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, inlineText, joinMarkdown, md, text } from './untrusted.js';

/** Reasons, alternatives and risks quote the model and the report: each is one escaped list item. */
function items(list: readonly string[]): Markdown[] {
  return list.map((item) => md`- ${inlineText(item)}`);
}

export function renderDecision(remediation: Remediation): Markdown {
  const { reasons, diagnosis } = remediation;
  const lines: Markdown[] = [Markdown.trusted(messages.decideHeading), md``, ...items(reasons)];
  // The question is often the reason itself (no safe change): say it once.
  if (diagnosis.question && !reasons.includes(diagnosis.question)) lines.push(md``, text(diagnosis.question));
  if (diagnosis.alternatives?.length) lines.push(md``, Markdown.trusted(messages.alternativesLabel), ...items(diagnosis.alternatives));
  if (diagnosis.risks?.length) lines.push(md``, Markdown.trusted(messages.risksLabel), ...items(diagnosis.risks));
  return Markdown.trusted(joinMarkdown(lines).text.trimEnd());
}

export function renderNotes(remediation: Remediation): Markdown {
  if (remediation.notes.length === 0) return md``;
  return joinMarkdown([md`<details>`, Markdown.trusted(`<summary>${messages.notesHeading}</summary>`), md``, ...items(remediation.notes), md``, md`</details>`]);
}
