/**
 * `kubecure diagnose`: runs the remediation engine on a local checkout and prints the Outcome
 * (the JSON contract), the pull request or issue body, or the unified diff.
 */
import { stat } from 'node:fs/promises';
import { CliError, parseChoice, parseCommandOptions, readJsonInput, type CliCommand } from './io.js';
import { reportFromKubectlFiles } from './report-input.js';
import { describeFieldErrors, parseFailureReport, type FailureReport } from '../report/schema.js';
import { redactReport } from '../report/redact.js';
import { LocalRepoView } from '../locate/local-repo.js';
import { remediate, DEFAULT_THRESHOLD } from '../remediate.js';
import { outcomeJson, type Remediation } from '../outcome.js';
import { renderThread } from '../github/render/index.js';
import { createModelFromEnv } from '../diagnose/llm/providers.js';

const FORMATS = ['json', 'markdown', 'diff'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: kubecure diagnose --repo <dir> (--report <report.json> | --pod <pod.json> [--events <events.json>]
                         [--logs <previous.log>] [--current-logs <current.log>] [--workload <workload.json>])
                         [--cluster <name>] [--format json|markdown|diff] [--threshold <0-100>]
                         [--hint <text>] [--rules-only]

Diagnoses a failing workload against a local GitOps checkout and prints the outcome.
"-" reads a file from standard input. A model is used when GEMINI_API_KEY or OPENAI_API_KEY is set,
unless --rules-only is given.`;

const OPTIONS = {
  repo: { type: 'string' },
  report: { type: 'string' },
  pod: { type: 'string' },
  events: { type: 'string' },
  logs: { type: 'string' },
  'current-logs': { type: 'string' },
  workload: { type: 'string' },
  cluster: { type: 'string' },
  format: { type: 'string', default: 'json' },
  threshold: { type: 'string' },
  hint: { type: 'string' },
  'rules-only': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(argv: string[]) {
  return parseCommandOptions('diagnose', argv, OPTIONS);
}

function parseFormat(value: string): Format {
  return parseChoice(value, FORMATS, 'format');
}

function parseThreshold(value: string | undefined): number {
  if (value === undefined) return DEFAULT_THRESHOLD;
  const threshold = Number(value);
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 100) {
    throw new CliError(`--threshold must be a whole number from 0 to 100, got "${value}"`);
  }
  return threshold;
}

async function requireDirectory(path: string | undefined): Promise<string> {
  if (!path) throw new CliError('--repo <dir> is required (the GitOps repository checkout)');
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) throw new CliError(`--repo "${path}" is not a directory`);
  return path;
}

async function loadReport(values: ReturnType<typeof parseOptions>): Promise<FailureReport> {
  if (values.report && values.pod) throw new CliError('give either --report or --pod, not both');
  if (values.report) {
    const parsed = parseFailureReport(await readJsonInput(values.report, 'report'));
    if (!parsed.ok) throw new CliError(`report "${values.report}" is not a valid FailureReport: ${describeFieldErrors(parsed.errors)}`);
    // Reports written by hand or by other tools may carry secrets: redact before anything reads them.
    return redactReport(parsed.value);
  }
  if (values.pod) {
    return reportFromKubectlFiles({
      pod: values.pod,
      events: values.events,
      logs: values.logs,
      currentLogs: values['current-logs'],
      workload: values.workload,
      cluster: values.cluster,
    });
  }
  throw new CliError('one of --report <report.json> or --pod <pod.json> is required');
}

function render(remediation: Remediation, format: Format): string {
  switch (format) {
    case 'json':
      return JSON.stringify(outcomeJson(remediation.outcome), null, 2) + '\n';
    case 'markdown': {
      const thread = renderThread(remediation);
      return `# ${thread.title}\n\n${thread.body}\n`;
    }
    case 'diff':
      return remediation.outcome.changes.map((change) => change.diff).join('');
  }
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'Diagnose a failing workload against a local GitOps checkout',
  async run(argv) {
    const values = parseOptions(argv);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const format = parseFormat(values.format);
    const threshold = parseThreshold(values.threshold);
    const repoDir = await requireDirectory(values.repo);
    const report = await loadReport(values);
    const model = values['rules-only'] ? null : createModelFromEnv(process.env);
    const remediation = await remediate(report, new LocalRepoView(repoDir), { threshold, model, hint: values.hint });
    process.stdout.write(render(remediation, format));
    return 0;
  },
};
