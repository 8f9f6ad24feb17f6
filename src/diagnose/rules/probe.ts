/**
 * Probe failures (kubelet `Unhealthy` events: "Liveness probe failed: …"). A probe aimed at a port
 * the container does not declare is a mechanical fix; a wrong path or a slow start is a proposal,
 * because loosening a probe can also hide a real outage.
 */
import type { Diagnosis, DiagnosisContext, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { asArray, asRecord, asString, failingContainer, type Json } from './pod-template.js';
import { eventsWithReason, logLines, messageLines, unique } from './report-text.js';

type ProbeType = 'liveness' | 'readiness' | 'startup';
const PROBE_LINE = /^(Liveness|Readiness|Startup) probe (?:failed|errored)/;
const NOT_FOUND = /statuscode: 404\b/;
const SLOW_START = /connection refused|context deadline exceeded|Client\.Timeout|i\/o timeout|timed out|timeout/i;
/** Below this many seconds a slow-starting app is probed before it can answer. */
const SHORT_INITIAL_DELAY = 15;
const SUGGESTED_INITIAL_DELAY = 30;

interface ProbeFailure {
  type: ProbeType;
  line: string;
}

/** Probe failures from `Unhealthy` events first (they carry counts), then from any other message. */
function probeFailures(context: DiagnosisContext): ProbeFailure[] {
  const fromEvents = eventsWithReason(context.report, 'Unhealthy').flatMap((event) => event.message.split(/\r?\n/));
  return unique([...fromEvents, ...messageLines(context.report)]).flatMap((line) => {
    const match = PROBE_LINE.exec(line);
    return match ? [{ type: match[1]!.toLowerCase() as ProbeType, line }] : [];
  });
}

interface ProbeTarget {
  handler: 'httpGet' | 'tcpSocket' | 'grpc';
  port: string | number;
}

function probeTarget(probe: Json): ProbeTarget | null {
  for (const handler of ['httpGet', 'tcpSocket', 'grpc'] as const) {
    const port = asRecord(probe[handler])?.port;
    if (typeof port === 'number' || typeof port === 'string') return { handler, port };
  }
  return null;
}

interface DeclaredPort {
  containerPort: number;
  name: string | null;
}

function declaredPorts(container: Json): DeclaredPort[] {
  return asArray(container.ports).flatMap((entry) => {
    const port = asRecord(entry);
    const number = Number(port?.containerPort);
    return Number.isInteger(number) ? [{ containerPort: number, name: asString(port?.name) }] : [];
  });
}

/** Whether the probe's port (a number, or a name resolved against `ports[].name`) is declared. */
function portIsDeclared(port: string | number, ports: DeclaredPort[]): boolean {
  const numeric = typeof port === 'number' ? port : /^\d+$/.test(port) ? Number(port) : null;
  if (numeric !== null) return ports.some((declared) => declared.containerPort === numeric);
  return ports.some((declared) => declared.name === port);
}

function portMismatch(context: DiagnosisContext, container: Json, failure: ProbeFailure): Diagnosis | null {
  const probeKey = `${failure.type}Probe`;
  const probe = asRecord(container[probeKey]);
  const target = probe ? probeTarget(probe) : null;
  const ports = declaredPorts(container);
  const only = ports.length === 1 ? ports[0]! : null;
  if (!target || !only || portIsDeclared(target.port, ports)) return null;
  // Keep the style of the probe: a named port stays named when the declared port has a name.
  const value = typeof target.port === 'string' && !/^\d+$/.test(target.port) && only.name ? only.name : only.containerPort;
  return ruleDiagnosis(context, 'probe', {
    summary: `The ${failure.type} probe of ${describeContainer(context)} targets port ${target.port}, which the container does not declare`,
    rootCause: `The probe checks port ${target.port} but the container only declares port ${only.containerPort}${only.name ? ` (${only.name})` : ''}, so the check can never succeed.`,
    evidence: [failure.line],
    confidence: 85,
    changes: [{ fixKind: 'probes', container: String(container.name), path: [probeKey, target.handler, 'port'], value, previous: target.port }],
    rationale: `Pointing the probe at the container's only declared port (${only.containerPort}) makes it check the port the app serves.`,
    risks: ['If the app serves health checks on a separate, undeclared port, declare that port instead.'],
  });
}

const REFUSED = /connection refused/;
const LISTENING = /\b(?:listening|started|serving|running|bound|server)\b[^\n]*?(?:port(?:\(s\))?:?\s*|:)(\d{2,5})\b/i;

/** Ports the app's own log says it listens on ("listening on :3000", "started on port(s): 8080"). */
function loggedPorts(context: DiagnosisContext): { port: number; line: string }[] {
  return logLines(context.report).flatMap((line) => {
    const port = LISTENING.exec(line)?.[1];
    return port ? [{ port: Number(port), line }] : [];
  });
}

function resolvePort(port: string | number, ports: DeclaredPort[]): number | null {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return ports.find((declared) => declared.name === port)?.containerPort ?? null;
}

/** Connection refused on the probe's port while the app logs that it listens on another one. */
function listeningElsewhere(context: DiagnosisContext, container: Json, failure: ProbeFailure): Diagnosis | null {
  if (!REFUSED.test(failure.line)) return null;
  const probeKey = `${failure.type}Probe`;
  const probe = asRecord(container[probeKey]);
  const target = probe ? probeTarget(probe) : null;
  const probed = target ? resolvePort(target.port, declaredPorts(container)) : null;
  const logged = loggedPorts(context);
  const ports = new Set(logged.map((entry) => entry.port));
  const only = logged[0];
  if (!target || probed === null || ports.size !== 1 || !only || only.port === probed) return null;
  return ruleDiagnosis(context, 'probe', {
    summary: `The ${failure.type} probe of ${describeContainer(context)} checks port ${probed}, but the app listens on ${only.port}`,
    rootCause: `The app logs that it listens on port ${only.port} while the probe connects to ${probed} and is refused.`,
    evidence: [failure.line, only.line],
    confidence: 60,
    changes: [{ fixKind: 'probes', container: String(container.name), path: [probeKey, target.handler, 'port'], value: only.port, previous: target.port }],
    rationale: `Probing the port the app actually listens on (${only.port}) lets the check reach it.`,
    risks: ['The app may be configured to listen on the wrong port (PORT env, config file); then the app, the Service and containerPort should change instead.'],
    question: `Should the probe (and containerPort) use ${only.port}, or should the app listen on ${probed}?`,
  });
}

function wrongPath(context: DiagnosisContext, container: Json, failure: ProbeFailure, failing: Set<ProbeType>): Diagnosis | null {
  if (!NOT_FOUND.test(failure.line)) return null;
  const probeKey = `${failure.type}Probe`;
  const path = asString(asRecord(asRecord(container[probeKey])?.httpGet)?.path);
  const subject = describeContainer(context);
  const alternative = (['liveness', 'readiness', 'startup'] as const)
    .filter((type) => type !== failure.type && !failing.has(type))
    .map((type) => asString(asRecord(asRecord(container[`${type}Probe`])?.httpGet)?.path))
    .find((candidate): candidate is string => candidate !== null && candidate !== path);
  const base = {
    summary: `The ${failure.type} probe of ${subject} requests ${path ?? 'a path'} that returns 404`,
    rootCause: `The app answers 404 for ${path ?? 'the probe path'}: the endpoint does not exist under that path.`,
    evidence: [failure.line],
  };
  if (!alternative || path === null) {
    return ruleDiagnosis(context, 'probe', { ...base, confidence: 35, question: `Which path does the app serve its health check on? ${path ?? 'The probe path'} returns 404.` });
  }
  return ruleDiagnosis(context, 'probe', {
    ...base,
    confidence: 55,
    changes: [{ fixKind: 'probes', container: String(container.name), path: [probeKey, 'httpGet', 'path'], value: alternative, previous: path }],
    rationale: `Another probe of the same container checks ${alternative} without failing, so the app serves that path.`,
    question: `Should the ${failure.type} probe use ${alternative}? The two probes may intentionally check different things.`,
  });
}

function slowStart(context: DiagnosisContext, container: Json, failure: ProbeFailure): Diagnosis | null {
  if (failure.type === 'startup' || !SLOW_START.test(failure.line) || container.startupProbe) return null;
  const probeKey = `${failure.type}Probe`;
  const probe = asRecord(container[probeKey]);
  const delay = Number(probe?.initialDelaySeconds ?? 0);
  if (!probe || !Number.isFinite(delay) || delay >= SHORT_INITIAL_DELAY) return null;
  return ruleDiagnosis(context, 'probe', {
    summary: `The ${failure.type} probe of ${describeContainer(context)} fails while the app may still be starting`,
    rootCause: `The probe starts ${delay}s after the container and gets no answer; an app that needs longer to start is ${failure.type === 'liveness' ? 'killed before it is ready' : 'never marked ready in time'}.`,
    evidence: [failure.line],
    confidence: 50,
    changes: [{ fixKind: 'probes', container: String(container.name), path: [probeKey, 'initialDelaySeconds'], value: SUGGESTED_INITIAL_DELAY, previous: probe.initialDelaySeconds === undefined ? null : delay }],
    rationale: `Waiting ${SUGGESTED_INITIAL_DELAY}s before the first check gives a slow-starting app time to listen.`,
    risks: ['If the app is not slow but broken (wrong port in its config, crash on start), a longer delay only postpones the failure.'],
    alternatives: ['Add a startupProbe so slow starts are tolerated without delaying liveness checks afterwards.'],
    question: 'Does the app take longer than the initial delay to start listening?',
  });
}

export const probeRule: Rule = {
  id: 'probe',
  categories: ['ProbeFailure', 'CrashLoopBackOff'],
  diagnose(context) {
    const failures = probeFailures(context);
    const first = failures[0];
    if (!first) return null;
    // A crashing app also fails its readiness probe; only a liveness kill makes the probe the cause.
    const killedByLiveness = failures.some((failure) => failure.type === 'liveness');
    if (context.report.failure.category !== 'ProbeFailure' && !killedByLiveness) return null;
    const view = failingContainer(context);
    if (view) {
      const failing = new Set(failures.map((failure) => failure.type));
      for (const check of [portMismatch, listeningElsewhere, wrongPath, slowStart] as const) {
        for (const failure of failures) {
          const diagnosis = check(context, view.container, failure, failing);
          if (diagnosis) return diagnosis;
        }
      }
    }
    return ruleDiagnosis(context, 'probe', {
      summary: `The ${first.type} probe of ${describeContainer(context)} is failing`,
      rootCause: 'The kubelet reports failing health checks; nothing in the probe definition is visibly wrong, so the app itself is likely unhealthy.',
      evidence: failures.map((failure) => failure.line).slice(0, 4),
      confidence: 30,
      question: 'Is the app unhealthy, or is the probe too strict (timeoutSeconds, failureThreshold)?',
    });
  },
};
