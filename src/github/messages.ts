/**
 * Every sentence KubeCure writes to GitHub, in one place so the wording stays consistent and
 * can be reviewed as a whole. Renderers and writers import from here; none writes prose inline.
 */
import type { FailureReport, RecoveryReport } from '../report/schema.js';

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
  commandsIntro: 'Comment on this thread with one of these, each at the start of its own line (write access needed for `retry` and `ignore`):',
  commandRetry: (kind: 'pull_request' | 'issue') =>
    kind === 'pull_request'
      ? '`/kubecure retry [hint]`: diagnose again, optionally with a hint (a value such as `use 1Gi`, or words for the model), and push the new change to this pull request.'
      : '`/kubecure retry [hint]`: diagnose again, optionally with a hint (a value such as `use 1Gi`, or words for the model), and refresh this issue, or open a pull request when the result is confident.',
  commandExplain: '`/kubecure explain`: reply with the full reasoning and the evidence behind it.',
  commandIgnore: '`/kubecure ignore`: close this thread and stop reporting this failure until the manifest changes (`/kubecure unignore` undoes it).',
  commandHelp: '`/kubecure help`: the list of commands.',
  closeToIgnore: 'Close this pull request without merging and KubeCure will not propose it again until the manifest changes.',
  unknownFile: '_(manifest not found)_',
  truncated: '_(truncated to fit GitHub\'s size limit)_',

  prTitle: (action: string, category: string) => `${action} after ${category}`,
  issueTitle: (category: string, workload: string, namespace: string) => `${category} of ${workload} in ${namespace} needs a decision`,
  commitMessage: (title: string, fingerprint: string) => `${title}\n\nKubeCure-Fingerprint: ${fingerprint}`,

  stickyHeading: '### 🔁 This failure is still happening',
  stickyBody: (occurrences: number, firstSeen: string, lastSeen: string, cluster: string) =>
    `KubeCure has seen it **${occurrences}** time${occurrences === 1 ? '' : 's'} on cluster \`${cluster}\` (first ${firstSeen}, last ${lastSeen}).`,
  joinedClusterHeading: (cluster: string) =>
    `### 🌐 Also failing on cluster \`${cluster}\`\n\nThe same change fixes it: this pull request covers this cluster too.`,
  stickyLimited: (reason: string) => `A new pull request was held back: ${reason}.`,
  heldBackHeading: '### ⏸ Reports held back during the cooldown',
  heldBackBody: (reports: number, category: string, lastSeen: string, cooldownMinutes: number) =>
    `KubeCure received **${reports}** more failure report${reports === 1 ? '' : 's'} for this workload within ${cooldownMinutes} minutes of this thread (\`cooldownMinutes\` in \`.github/kubecure.yml\`) and opened nothing for ${reports === 1 ? 'it' : 'them'}; the latest was **${category}** at ${lastSeen}.`,

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

  dependentOf: (root: string, rootUrl: string | null, evidence: string[], workload: string) =>
    [
      '### 🔗 Root cause found elsewhere',
      '',
      `${workload} fails because ${root} does${rootUrl ? ` (see ${rootUrl})` : ''}: KubeCure will not propose a separate fix for it. This thread is closed once the fix of ${root} is verified and ${workload} has recovered.`,
      ...(evidence.length > 0 ? ['', ...evidence.slice(0, 3).map((line) => `- \`${escapeCell(line).replace(/`/g, "'")}\``)] : []),
    ].join('\n'),
} as const;

/** Makes text safe inside a markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/<!--/g, '<!\u200b--');
}

// The review loop: commands, verification of merged fixes. No line starts with a command, so
// KubeCure never reads its own replies as commands.

export const VERIFY_LABELS = {
  awaiting: 'kubecure:awaiting-verification',
  verified: 'kubecure:verified',
  fixFailed: 'kubecure:fix-failed',
  ignored: 'kubecure:ignored',
} as const;

const workloadName = (report: Pick<FailureReport, 'workload' | 'cluster'>) =>
  `\`${report.workload.kind}/${report.workload.name}\` in namespace \`${report.workload.namespace}\` of cluster \`${report.cluster}\``;

export const reviewMessages = {
  help: [
    'KubeCure understands these commands, each at the start of its own line:',
    '',
    '| Command | What it does | Who |',
    '| --- | --- | --- |',
    '| `/kubecure retry [hint]` | Diagnose again and update this thread. A hint that names a value (`use 1Gi`, `use tag 1.4.2`, `use port 8080`) is applied as given; any other hint (`the tag is v2.3.1`) is passed to the model. | write access |',
    '| `/kubecure explain` | Reply with the full reasoning: what failed, the evidence, why the change fixes it, what else was considered, the risks. | anyone |',
    '| `/kubecure ignore` | Close this thread and stop reporting this failure until the workload\'s manifest changes. | write access |',
    '| `/kubecure unignore` | Report this failure again and reopen this thread. | write access |',
    '| `/kubecure help` | This list. | anyone |',
  ].join('\n'),
  unknownCommand: (word: string) => `KubeCure does not know the command \`${word.replace(/`/g, '')}\`.`,

  refusedPermission: (login: string, command: string) =>
    `Sorry @${login}, \`${command}\` needs write, maintain or admin permission on this repository. Someone who has it can run it for you.`,
  refusedLocked: 'This conversation is locked, so KubeCure does not act on commands here.',
  explainedRecently: (minutes: number) =>
    `An explanation of this thread was posted in the last ${minutes} minutes: it is above. Each one runs the diagnosis again, so KubeCure gives at most one per thread every ${minutes} minutes.`,
  refusedClosed: 'This thread is closed, so KubeCure only answers `unignore` and `help` here.',
  refusedFork: 'This pull request comes from a fork: KubeCure does not act on commands there.',
  refusedNoMarker: 'KubeCure cannot read the failure report hidden in this thread (was the description edited?), so it cannot do this.',
  refusedNoConfig: 'This repository has no valid `.github/kubecure.yml`, so KubeCure does nothing here.',
  commandFailed: (command: string) => `\`${command}\` failed on KubeCure's side; the error was logged. Try again in a few minutes.`,

  retryUpdated: (title: string, commit: string, confidence: number, diagnosedBy: string, hint?: string) =>
    [
      `Diagnosed again${hint ? ` with the hint "${hint}"` : ''} and pushed ${commit.slice(0, 7)} to this branch: **${title}**.`,
      `Confidence ${confidence}/100, diagnosed by \`${diagnosedBy}\`. The title and description are updated.`,
    ].join('\n'),
  retryUnchanged: (confidence: number, diagnosedBy: string) =>
    `Diagnosed again: the change is the same as the one already on this branch (confidence ${confidence}/100, \`${diagnosedBy}\`). Nothing was pushed.`,
  retryNotConfident: (reasons: string[]) =>
    ['Diagnosed again, but the result is not confident and valid enough to push, so this thread is unchanged:', '', ...reasons.map((reason) => `- ${reason}`)].join('\n'),
  retryForeignCommits: (authors: string[]) =>
    [
      `This branch has commits KubeCure did not write (by ${authors.map((author) => `@${author}`).join(', ')}), so it will not push over them.`,
      'Merge or drop those commits, or apply the new diagnosis by hand; it is below.',
    ].join(' '),
  retryPromoted: (pullUrl: string, pullNumber: number) => `Diagnosed again: the result is confident and valid, so KubeCure opened #${pullNumber} with the change (${pullUrl}).`,
  retryIssueUpdated: (confidence: number, diagnosedBy: string) =>
    `Diagnosed again (confidence ${confidence}/100, \`${diagnosedBy}\`): still not a change KubeCure can propose safely. The description is updated with the new diagnosis.`,
  retryDryRun: (what: string) => `Dry run: KubeCure would ${what}. Nothing was changed.`,
  promotedFrom: (issueNumber: number) => `Opened from #${issueNumber} after a reviewer asked KubeCure to diagnose again. Resolves #${issueNumber}.`,

  explainHeading: '### Why KubeCure proposes this',
  explainWhatFailed: '**What failed.**',
  explainEvidence: '**Evidence.**',
  explainNoEvidence: 'The report carried no log lines or events that point at the cause.',
  explainWhy: '**Why this change fixes it.**',
  explainNoChange: 'KubeCure found no change it could make safely; a human has to decide.',
  explainAlternatives: '**What else was considered.**',
  explainNoAlternatives: 'No alternative was recorded.',
  explainRisks: '**Risks.**',
  explainNoRisks: 'None recorded beyond the usual: watch the workload after the rollout.',
  explainInPlainWords: '**In plain words.**',
  explainFooter: (diagnosedBy: string, confidence: number, ruleId?: string) =>
    `Diagnosed by \`${diagnosedBy}\`${ruleId ? ` (rule \`${ruleId}\`)` : ''}, confidence ${confidence}/100.`,
  explainRulesOnly: 'No model is configured (rules only): this explanation comes from the rule\'s own evidence and reasoning.',

  ignored: (sha: string | null) =>
    sha
      ? `Ignored: KubeCure will not report this failure again until the workload's manifest changes (recorded at blob ${sha.slice(0, 7)}), or until someone comments \`/kubecure unignore\`.`
      : 'Ignored: KubeCure will not report this failure again until someone comments `/kubecure unignore`.',
  unignored: 'No longer ignored: KubeCure will report this failure again and reopened this thread.',
  notIgnored: 'This thread is not ignored; nothing to undo.',

  awaitingVerification: (report: FailureReport) =>
    [
      '### ⏳ Waiting for verification',
      '',
      `Merged. KubeCure will watch ${workloadName(report)}${report.failure.container ? `, container \`${report.failure.container}\`` : ''}:`,
      '',
      `- when the new spec has rolled out and every pod stays Ready without restarts, this pull request is marked \`${VERIFY_LABELS.verified}\`;`,
      `- if **${report.failure.category}** happens again after the rollout, it is marked \`${VERIFY_LABELS.fixFailed}\` and a follow-up issue is opened.`,
    ].join('\n'),
  verified: (recovery: RecoveryReport, cascade?: { recovered: string[]; stillFailing: string[] }) =>
    [
      '### ✅ Verified',
      '',
      `The fix holds on cluster \`${recovery.cluster}\`: ${recovery.pods.ready}/${recovery.pods.total} pods of \`${recovery.workload.kind}/${recovery.workload.name}\` ready since ${recovery.readySince}, ${recovery.restartsDuringSettle} restart${recovery.restartsDuringSettle === 1 ? '' : 's'} while settling, and the pod template changed since the failure (observed ${recovery.observedAt}).`,
      ...(cascade && cascade.recovered.length > 0 ? ['', `Recovered with it: ${cascade.recovered.map((name) => `\`${name}\``).join(', ')}.`] : []),
      ...(cascade && cascade.stillFailing.length > 0 ? ['', `Not yet reported recovered: ${cascade.stillFailing.map((name) => `\`${name}\``).join(', ')}.`] : []),
    ].join('\n'),
  dependentRecovered: (rootPull: number) =>
    `### ✅ Recovered with its root cause\n\nThe fix of the root cause (#${rootPull}) was verified and this workload has recovered since: closing this thread.`,
  fixFailed: (report: FailureReport, followUpUrl: string | null) =>
    [
      '### ❌ The fix did not hold',
      '',
      `**${report.failure.category}** happened again on ${workloadName(report)} at ${report.observedAt}, after this change was merged and rolled out (pod \`${report.pod.name}\`, ${report.failure.restartCount} restarts${report.failure.exitCode === null ? '' : `, exit ${report.failure.exitCode}`}).`,
      '',
      followUpUrl ? `The follow-up is tracked in ${followUpUrl}. KubeCure will not open another automatic pull request for this failure during the cooldown.` : 'KubeCure will not open another automatic pull request for this failure during the cooldown.',
    ].join('\n'),
  followUpTitle: (report: FailureReport) => `${report.failure.category} of ${report.workload.name} in ${report.workload.namespace} came back after the fix`,
  followUpBody: (report: FailureReport, history: { number: number; url: string; mergedAt: string | null }) =>
    [
      `The fix merged in #${history.number}${history.mergedAt ? ` on ${history.mergedAt}` : ''} did not hold: **${report.failure.category}** happened again on ${workloadName(report)} at ${report.observedAt}, after the new spec rolled out.`,
      '',
      '### History',
      '',
      `- ${history.url}: the merged fix, now labelled \`${VERIFY_LABELS.fixFailed}\`.`,
      `- ${report.observedAt}: pod \`${report.pod.name}\`, reason \`${report.failure.reason}\`, ${report.failure.restartCount} restarts${report.failure.exitCode === null ? '' : `, exit ${report.failure.exitCode}`}.`,
      '',
      'A human has to look at this one: the first fix addressed a symptom, or the cause is elsewhere. New reports of this failure are counted on this issue.',
    ].join('\n'),
} as const;
