/**
 * The controller could not create pods at all (`FailedCreate` on a ReplicaSet, Job or
 * StatefulSet): a ResourceQuota is exhausted, PodSecurity admission rejects the spec, or the
 * ServiceAccount is missing. Each touches policy or security, so each is a human's decision.
 */
import type { Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { findLines, messageLines } from './report-text.js';

const QUOTA = /exceeded quota: ([^,]+), requested: ([^,]+), used: ([^,]+), limited: ([^\n]+)/;
const POD_SECURITY = /violates PodSecurity "([^"]+)": ([^\n]+)/;
const SERVICE_ACCOUNT = /serviceaccount "([^"]+)" not found/;

export const failedCreateRule: Rule = {
  id: 'failed-create',
  categories: ['FailedCreate'],
  diagnose(context) {
    const lines = messageLines(context.report);
    const subject = describeContainer(context, null);
    const quotaLine = findLines(lines, QUOTA, 1)[0];
    const quota = quotaLine ? QUOTA.exec(quotaLine) : null;
    if (quotaLine && quota) {
      return ruleDiagnosis(context, 'failed-create', {
        summary: `${subject} cannot create pods: ResourceQuota ${quota[1]} is exhausted`,
        rootCause: `The namespace's ResourceQuota "${quota[1]}" allows ${quota[4]!.trim()}; ${quota[3]} is already used and a new pod requests ${quota[2]}.`,
        evidence: [quotaLine],
        confidence: 40,
        question: 'Should the quota be raised, other workloads scaled down, or this workload\'s requests/limits lowered?',
      });
    }
    const securityLine = findLines(lines, POD_SECURITY, 1)[0];
    const security = securityLine ? POD_SECURITY.exec(securityLine) : null;
    if (securityLine && security) {
      return ruleDiagnosis(context, 'failed-create', {
        summary: `${subject} cannot create pods: the spec violates PodSecurity "${security[1]}"`,
        rootCause: `Pod Security admission rejects the pod template: ${security[2]}. KubeCure does not change securityContext automatically because it can break images that expect root.`,
        evidence: [securityLine],
        confidence: 40,
        question: 'Can the containers run with the securityContext the policy requires (allowPrivilegeEscalation: false, capabilities.drop [ALL], runAsNonRoot, seccompProfile RuntimeDefault)?',
      });
    }
    const accountLine = findLines(lines, SERVICE_ACCOUNT, 1)[0];
    const account = accountLine ? SERVICE_ACCOUNT.exec(accountLine) : null;
    if (accountLine && account) {
      return ruleDiagnosis(context, 'failed-create', {
        summary: `${subject} cannot create pods: ServiceAccount "${account[1]}" does not exist`,
        rootCause: `The pod template names serviceAccountName "${account[1]}", which is not in namespace ${context.report.workload.namespace}.`,
        evidence: [accountLine],
        confidence: 40,
        question: `Should ServiceAccount "${account[1]}" be created in ${context.report.workload.namespace}, or does the workload name the wrong one? Service accounts are never changed automatically.`,
      });
    }
    return null;
  },
};
