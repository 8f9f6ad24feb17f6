/** Failed Jobs: the backoff limit or the deadline was reached; the failed pods' logs say why. */
import type { Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { decisiveLines, errorLines } from './log-patterns.js';
import { asString, dig } from './pod-template.js';
import { findLines, logLines, messageLines } from './report-text.js';

const BACKOFF = /reached the specified backoff limit|BackoffLimitExceeded/;
const DEADLINE = /active longer than specified deadline|DeadlineExceeded/;

export const jobRule: Rule = {
  id: 'job',
  categories: ['JobFailed', 'DeadlineExceeded'],
  diagnose(context) {
    const { report } = context;
    const messages = messageLines(report);
    const logs = logLines(report);
    const decisive = [...new Set([...decisiveLines(logs), ...errorLines(logs)])].slice(0, 5);
    const subject = describeContainer(context, null);
    const deadline = report.failure.category === 'DeadlineExceeded' || findLines(messages, DEADLINE, 1).length > 0;
    if (deadline) {
      const workload = context.location?.workload ?? null;
      const seconds = asString(dig(workload, 'spec', 'activeDeadlineSeconds') ?? dig(workload, 'spec', 'jobTemplate', 'spec', 'activeDeadlineSeconds'));
      return ruleDiagnosis(context, 'job', {
        summary: `${subject} ran longer than its ${seconds ? `${seconds}s ` : ''}deadline and was stopped`,
        rootCause: `The Job was still running when activeDeadlineSeconds${seconds ? ` (${seconds})` : ''} elapsed, so Kubernetes terminated its pods. The work is slower than expected, or stuck.`,
        evidence: [...findLines(messages, DEADLINE, 1), ...decisive],
        confidence: 35,
        question: 'Is the job stuck (waiting on a dependency, a lock), or does it legitimately need a longer deadline?',
      });
    }
    const backoff = findLines(messages, BACKOFF, 1);
    return ruleDiagnosis(context, 'job', {
      summary: `${subject} failed${decisive[0] ? `: ${decisive[0]}` : ' after exhausting its retries'}`,
      rootCause: `Every attempt of the Job failed${report.failure.exitCode !== null ? ` (last exit code ${report.failure.exitCode})` : ''} until the backoff limit was reached. The logs of the failed pod name the reason; raising backoffLimit would only retry the same failure.`,
      evidence: [...backoff, ...decisive, ...(decisive.length === 0 ? logs.slice(-3) : [])],
      confidence: decisive.length > 0 ? 40 : 30,
      question: 'What does the job need to succeed: a fix in its code, its input data, or its configuration?',
    });
  },
};
