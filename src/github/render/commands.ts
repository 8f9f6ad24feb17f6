/** The commands reviewers can use; no line starts with `/kubecure`, so KubeCure never reads its own text as a command. */
import { messages } from '../messages.js';

export function renderCommands(kind: 'pull_request' | 'issue'): string {
  const lines = ['<details>', `<summary>${messages.commandsSummary}</summary>`, '', messages.commandsIntro, '', `- ${messages.commandRetry(kind)}`, `- ${messages.commandExplain}`, `- ${messages.commandIgnore}`, `- ${messages.commandHelp}`];
  if (kind === 'pull_request') lines.push('', messages.closeToIgnore);
  lines.push('', '</details>');
  return lines.join('\n');
}
