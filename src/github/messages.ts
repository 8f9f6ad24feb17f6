/**
 * Every sentence KubeCure writes to GitHub, in one place so the wording stays consistent and
 * can be reviewed as a whole. Renderers and writers import from here; none writes prose inline.
 */

export const LABEL = 'kubecure';
export const categoryLabel = (category: string): string => `kubecure:${category}`;

export const messages = {
  summaryLine: (category: string, workload: string, namespace: string, cluster: string) =>
    `KubeCure saw **${category}** on \`${workload}\` in namespace \`${namespace}\` of cluster \`${cluster}\`.`,
  dryRunBanner: '> [!NOTE]\n> Dry run: this is what KubeCure would post. Nothing was changed.',
  failureHeading: '### Failure',
  failureColumns: ['Cluster', 'Namespace', 'Workload', 'Container', 'Reason', 'Restarts', 'Occurrences', 'First seen', 'Last seen'],
  rootCauseHeading: '### Root cause',
  evidenceSummary: 'Evidence: log lines and events',
  evidenceQuoted: 'Quoted from the report:',
  evidenceEvents: 'Warning events:',
  evidenceLogs: (which: string) => `Last lines of the ${which} log:`,
  evidenceNone: 'The report carried no log lines or events.',
  changeHeading: '### The change',
  suggestedChangeHeading: '### Suggested change (not applied)',
  changeColumns: ['File', 'Field', 'Before', 'After'],
  changeWhy: '**Why:**',
  diffSummary: (file: string) => `Diff of ${file}`,
  noChange: 'KubeCure found no change it could make safely.',
  sourceNotFound: 'KubeCure could not find the manifest that declares this workload in this repository.',
  validationHeading: '### Validation',
  confidenceLine: (confidence: number, diagnosedBy: string) =>
    `**Confidence:** ${confidence}/100 · diagnosed by \`${diagnosedBy}\``,
  decideHeading: '### What a human must decide',
  notesHeading: 'Notes',
  alternativesLabel: '**Alternatives:**',
  risksLabel: '**Risks:**',
  commandsSummary: 'Commands',
  commandsIntro: 'Comment on this thread with one of these (write access needed for `retry`):',
  commandRetry: '`/kubecure retry [hint]`: diagnose again, optionally with a hint for the model, and update this pull request.',
  commandExplain: '`/kubecure explain`: reply with the full reasoning and the evidence behind it.',
  closeToIgnore: 'Close this pull request without merging and KubeCure will not propose it again until the manifest changes.',
  truncated: '_(truncated to fit GitHub\'s size limit)_',

  prTitle: (action: string, category: string) => `${action} after ${category}`,
  issueTitle: (category: string, workload: string, namespace: string) => `${category} of ${workload} in ${namespace} needs a decision`,
  commitMessage: (title: string, fingerprint: string) => `${title}\n\nKubeCure-Fingerprint: ${fingerprint}`,

  stickyHeading: '### 🔁 This failure is still happening',
  stickyBody: (occurrences: number, firstSeen: string, lastSeen: string, cluster: string) =>
    `KubeCure has seen it **${occurrences}** time${occurrences === 1 ? '' : 's'} on cluster \`${cluster}\` (first ${firstSeen}, last ${lastSeen}).`,
  stickyLimited: (reason: string) => `A new pull request was held back: ${reason}.`,

  configIssueTitle: 'KubeCure cannot read .github/kubecure.yml',
  configIssueBody: (problems: { path: string; message: string }[]) =>
    [
      'KubeCure received a failure report for this repository but its configuration file is invalid, so it did nothing.',
      '',
      '| Key | Problem |',
      '| --- | --- |',
      ...problems.map((problem) => `| \`${problem.path}\` | ${escapeCell(problem.message)} |`),
      '',
      'Fix the file on the default branch; the next report will use it. The JSON schema of the file is published with KubeCure for editor autocomplete.',
    ].join('\n'),

  limitOpenPullRequests: (open: number, max: number) => `${open} KubeCure pull requests are open (limit ${max})`,
  limitPerHour: (max: number) => `KubeCure already opened ${max} pull request${max === 1 ? '' : 's'} in the last hour`,
  limitedToIssue: (reason: string) => `A pull request was held back because ${reason}; the proposed change is below.`,

  blastRadiusHeading: '### 💥 Blast radius',
  blastRadiusIntro: (root: string, count: number) =>
    `${count === 1 ? '1 other workload is' : `${count} other workloads are`} failing because ${root} is. They get no pull request of their own: fixing this should bring them back.`,
  dependentOf: (root: string, rootUrl: string | null, evidence: string[], workload: string) =>
    [
      '### 🔗 Root cause found elsewhere',
      '',
      `${workload} fails because ${root} does${rootUrl ? ` (see ${rootUrl})` : ''}: KubeCure will not propose a separate fix for it.`,
      ...(evidence.length > 0 ? ['', ...evidence.slice(0, 3).map((line) => `- \`${escapeCell(line).replace(/`/g, "'")}\``)] : []),
    ].join('\n'),
} as const;

/** Makes text safe inside a markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
