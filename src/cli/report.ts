/** `kubecure report`: prints the FailureReport built from kubectl JSON, redacted and validated. */
import { CliError, parseCommandOptions, type CliCommand } from './io.js';
import { reportFromKubectlFiles } from './report-input.js';

const USAGE = `usage: kubecure report --pod <pod.json> [--events <events.json>] [--logs <previous.log>]
                       [--current-logs <current.log>] [--workload <workload.json>] [--services <services.json>]
                       [--cluster <name>]

Builds a FailureReport from what kubectl prints and writes it as JSON:
  kubectl get pod web-7b4d5f6c-x2k9p -o json > pod.json
  kubectl get events --field-selector involvedObject.name=web-7b4d5f6c-x2k9p -o json > events.json
  kubectl logs web-7b4d5f6c-x2k9p --previous > previous.log
  kubecure report --pod pod.json --events events.json --logs previous.log

With --services (kubectl get svc -A -o json > services.json) the report records what the pod
connects to, ClusterIPs in its logs mapped back to Services, as the agent does; the App uses it
to find the root cause of cascades.

"-" reads one of the files from standard input. Secrets are redacted before anything is printed.`;

const OPTIONS = {
  pod: { type: 'string' },
  events: { type: 'string' },
  logs: { type: 'string' },
  'current-logs': { type: 'string' },
  workload: { type: 'string' },
  services: { type: 'string' },
  cluster: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(argv: string[]) {
  return parseCommandOptions('report', argv, OPTIONS);
}

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Build a FailureReport from kubectl JSON',
  async run(argv) {
    const values = parseOptions(argv);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (!values.pod) throw new CliError('--pod <pod.json> is required (see "kubecure report --help")');
    const report = await reportFromKubectlFiles({
      pod: values.pod,
      events: values.events,
      logs: values.logs,
      currentLogs: values['current-logs'],
      workload: values.workload,
      services: values.services,
      cluster: values.cluster,
    });
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  },
};
