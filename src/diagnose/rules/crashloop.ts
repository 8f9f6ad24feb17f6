/**
 * CrashLoopBackOff explained by the crashed instance's logs: a missing environment variable
 * (fixed when the same app sets it literally in another environment), a command that does not
 * exist, a dependency refusing connections, or a panic whose decisive lines are quoted.
 */
import type { Diagnosis, DiagnosisContext, FieldChange, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import {
  COMMAND_NOT_FOUND, CONNECTION_FAILURE, decisiveLines, looksSecret, missingCommand, missingEnvVariables, type MissingEnv,
} from './log-patterns.js';
import { asArray, asRecord, asString, dig, failingContainer, type Json } from './pod-template.js';
import { envValuesElsewhere, pathCloseness, type DeclaredEnvValue } from './repo-facts.js';
import { findLines, logLines, messageLines } from './report-text.js';

const ENVIRONMENT_WORDS = /(?:^|[^a-z])(dev|develop|development|test|qa|stage|staging|preprod|uat|prod|production|sandbox)(?:[^a-z]|$)/i;

/** A value that names an environment or a namespace is not portable between environments. */
function isEnvironmentSpecific(value: DeclaredEnvValue, namespace: string): boolean {
  if (ENVIRONMENT_WORDS.test(value.value)) return true;
  return value.namespace !== null && value.namespace !== namespace && value.value.includes(value.namespace);
}

function declaredEnv(container: Json | undefined, name: string): Json | null {
  return asArray(container?.env).map(asRecord).find((env) => env?.name === name) ?? null;
}

/** A hint that the variable may belong in a ConfigMap or Secret the container imports with envFrom. */
function envFromSources(container: Json | undefined): string {
  const sources = asArray(container?.envFrom).flatMap((source) => {
    const configMap = asString(dig(source, 'configMapRef', 'name'));
    const secret = asString(dig(source, 'secretRef', 'name'));
    return [configMap ? `ConfigMap ${configMap}` : null, secret ? `Secret ${secret}` : null].filter((name): name is string => name !== null);
  });
  return sources.length > 0 ? ` The container imports ${sources.join(' and ')} with envFrom; the key may be missing there.` : '';
}

function missingEnv(context: DiagnosisContext, missing: MissingEnv): Diagnosis | null {
  const view = failingContainer(context);
  const containerName = context.report.failure.container!;
  const existing = declaredEnv(view?.container, missing.name);
  // Declared with a value: the app is not missing it, something else is wrong with it.
  if (existing && (asString(existing.value) || existing.valueFrom)) return null;
  const subject = describeContainer(context);
  const summary = `${subject} exits because environment variable ${missing.name} is not set`;
  const rootCause = `The app requires ${missing.name} at startup and the container does not define it${existing ? ' (it is declared empty)' : ''}.`;
  const evidence = [missing.line];

  if (looksSecret(missing.name)) {
    return ruleDiagnosis(context, 'crashloop', {
      summary,
      rootCause,
      evidence,
      confidence: 55,
      question: `${missing.name} looks like a secret: which Secret and key should provide it (env valueFrom.secretKeyRef)? KubeCure never writes secret values.`,
    });
  }
  const namespace = context.report.pod.namespace;
  const elsewhere = envValuesElsewhere(context, containerName, missing.name);
  const distinct = [...new Set(elsewhere.map((value) => value.value))];
  if (!view || distinct.length === 0) {
    return ruleDiagnosis(context, 'crashloop', {
      summary,
      rootCause,
      evidence,
      confidence: 55,
      question: `What value should ${missing.name} have for ${containerName} in ${namespace}? No other environment of this app declares it.${envFromSources(view?.container)}`,
    });
  }
  const near = context.location?.file ?? '';
  const chosen = [...elsewhere].sort((a, b) => pathCloseness(b.file, near) - pathCloseness(a.file, near))[0]!;
  const portable = distinct.length === 1 && !elsewhere.some((value) => isEnvironmentSpecific(value, namespace));
  // Addressed by name: the edit sets the item's value, appending `{name, value}` when the layer lacks it.
  const changes: FieldChange[] = [
    { fixKind: 'env', container: containerName, path: ['env', missing.name, 'value'], value: chosen.value, previous: existing ? '' : null },
  ];
  return ruleDiagnosis(context, 'crashloop', {
    summary,
    rootCause,
    evidence,
    confidence: portable ? 80 : 55,
    changes,
    rationale: `${chosen.workload} in ${chosen.file} sets ${missing.name}=${chosen.value} for the same container; this environment lacks it.`,
    risks: portable ? ['The value may need to differ in this environment.'] : ['The value differs between environments or names one; it may be wrong here.'],
    alternatives: elsewhere.filter((value) => value !== chosen).map((value) => `${missing.name}=${value.value} (${value.file})`),
    ...(portable ? {} : { question: `Which value of ${missing.name} is right for ${namespace}? Declared elsewhere: ${distinct.join(', ')}.` }),
  });
}

export const crashloopRule: Rule = {
  id: 'crashloop',
  categories: ['CrashLoopBackOff', 'JobFailed', 'RunContainerError'],
  diagnose(context) {
    const { report } = context;
    if (!report.failure.container) return null;
    const logs = logLines(report);
    const subject = describeContainer(context);

    for (const missing of missingEnvVariables(logs)) {
      const diagnosis = missingEnv(context, missing);
      if (diagnosis) return diagnosis;
    }

    const notFound = findLines([...logs, ...messageLines(report)], COMMAND_NOT_FOUND, 2);
    if (notFound.length > 0) {
      const command = missingCommand(notFound[0]!);
      const declared = failingContainer(context)?.container;
      const commandLine = [...asArray(declared?.command), ...asArray(declared?.args)].map(asString).filter(Boolean).join(' ');
      return ruleDiagnosis(context, 'crashloop', {
        summary: `${subject} runs ${command ? `"${command}"` : 'a command'} that does not exist in its image`,
        rootCause: `The container's entrypoint cannot be executed${commandLine ? ` (command/args: ${commandLine})` : ''}: a typo in the command, or an image that does not ship it.`,
        evidence: notFound,
        confidence: 50,
        question: `Is "${command ?? 'the command'}" misspelled, or missing from the image?`,
      });
    }

    // For a failed Job the job rule quotes the same lines along with the Job's own condition.
    if (report.failure.category !== 'CrashLoopBackOff') return null;
    const connection = findLines(logs, CONNECTION_FAILURE, 3);
    if (connection.length > 0) {
      const failing = report.dependencies?.outbound.filter((target) => target.failing).map((target) => `${target.host}${target.port ? `:${target.port}` : ''}`) ?? [];
      return ruleDiagnosis(context, 'crashloop', {
        summary: `${subject} exits because a dependency refuses or cannot resolve its connection`,
        rootCause: `The app cannot reach ${failing.length > 0 ? failing.join(', ') : 'a service it depends on'} and exits. The dependency may be failing itself (a cascade), not yet running, or configured with the wrong host or port.`,
        evidence: connection,
        confidence: 45,
        question: 'Is the dependency healthy and is its address right? If it is failing too, fix that first.',
      });
    }

    if (report.failure.exitCode === 0) {
      const completed = findLines(messageLines(report), /Back-off restarting failed container/, 1);
      return ruleDiagnosis(context, 'crashloop', {
        summary: `${subject} keeps exiting successfully (exit code 0) and is restarted`,
        rootCause: 'The main process finishes instead of running in the foreground; with restartPolicy Always Kubernetes restarts it forever. The command may start a daemon that detaches, or this work belongs in a Job.',
        evidence: [...completed, ...logs.slice(-2)],
        confidence: 40,
        question: 'Should the command run in the foreground, or should this workload be a Job or CronJob?',
      });
    }

    const decisive = decisiveLines(logs);
    if (decisive.length > 0) {
      return ruleDiagnosis(context, 'crashloop', {
        summary: `${subject} crashes: ${decisive[0]}`,
        rootCause: `The process panics or throws at runtime (exit code ${report.failure.exitCode ?? 'unknown'}); the stack trace points at application code or its configuration, not at the manifest.`,
        evidence: decisive,
        confidence: 40,
        question: 'Is this a bug in the release, or a configuration the app cannot handle?',
      });
    }
    return null;
  },
};
