/**
 * Redaction: a FailureReport leaves the cluster, so every secret that could ride along in a pod
 * spec, a log line, an event message or an annotation is replaced with `[REDACTED]` before it
 * does. Two complementary nets:
 *
 *  - shape-based patterns for credentials that look like credentials wherever they appear
 *    (bearer tokens, JWTs, PEM keys, cloud/vendor API keys, `user:pass@` in URLs, `password=…`);
 *  - the literal values of env vars whose names look secret, collected from the spec, so a
 *    password that looks like a plain word is still caught when the app echoes it into a log.
 *
 * Every function is idempotent (redacting twice equals redacting once) and never throws: a
 * redactor that crashes would either lose the report or, worse, send it unredacted.
 */
import type { FailureReport } from './schema.js';

export const REDACTED = '[REDACTED]';

/** Env var names that carry secrets by convention (`DB_PASSWORD`, `GITHUB_TOKEN`, `API_KEY`…). */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|PWD|TOKEN|SECRET|(^|_|-)KEY($|_|-)|APIKEY|API_KEY|ACCESS_KEY|PRIVATE|CREDENTIAL|AUTH|SIGNATURE|SALT|DSN|CONN(ECTION)?_?STR(ING)?)/i;

/** Names that match SECRET_NAME but conventionally hold no secret. */
const NOT_SECRET_NAME = /^(.*_)?(KEY_?ID|KEYS?_?PATH|KEY_?FILE|TOKEN_?(URL|PATH|FILE|ENDPOINT)|AUTH_?(URL|ENDPOINT|TYPE|MODE|METHOD|ENABLED|DISABLED|PROVIDER))$/i;

/** Shorter literals are too likely to collide with ordinary words in logs ("true", "8080"). */
const MIN_LITERAL_LENGTH = 4;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

interface Pattern {
  regex: RegExp;
  /** The replacement; keeps the non-secret prefix (the key name, the URL scheme) for context. */
  replace: string;
}

/**
 * Every repetition that can start at many positions is bounded: logs are large and untrusted,
 * and an unbounded `[\w.-]*` before a keyword turns a long token-like line into quadratic work.
 *
 * Ordered: whole-block and structured patterns first, so a PEM block or a JWT is replaced in one
 * piece before a generic `key=value` pattern could cut it in half.
 */
const PATTERNS: Pattern[] = [
  // PEM private keys, including a block truncated by a log tail (no END line).
  {
    regex: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: REDACTED,
  },
  // JSON Web Tokens: three base64url segments, the first two starting with `{"` encoded.
  { regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
  // `Authorization: Bearer xxx`. Long enough not to eat prose such as "Bearer authentication".
  { regex: /\b(Bearer)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]{16,}=*/gi, replace: `$1 ${REDACTED}` },
  // `Basic xxx` with base64 credentials (they contain a digit, an uppercase letter or padding).
  { regex: /\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9A-Z=])[A-Za-z0-9+/]{8,}={0,2}/g, replace: `$1 ${REDACTED}` },
  // Credentials embedded in URLs: scheme://user:pass@host (keep user and host for diagnosis).
  { regex: /\b([a-z][a-z0-9+]{0,15}:\/\/[^\s:/@'"]{0,256}):(?!\[REDACTED\]@)[^\s@/'"]{1,512}@/gi, replace: `$1:${REDACTED}@` },
  // AWS access key ids and the secret that usually follows.
  { regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  // GitHub tokens (classic and fine-grained).
  { regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g, replace: REDACTED },
  // GitLab personal access tokens.
  { regex: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  // Slack tokens and webhook URLs.
  { regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  { regex: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g, replace: REDACTED },
  // Google API keys and OAuth client secrets / refresh tokens.
  { regex: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  { regex: /\bGOCSPX-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { regex: /\b1\/\/0[A-Za-z0-9_-]{30,}\b/g, replace: REDACTED },
  // Azure storage connection strings and SAS signatures.
  { regex: /\b(AccountKey|SharedAccessKey)=[^;\s'"]+/gi, replace: `$1=${REDACTED}` },
  { regex: /([?&]sig=)[A-Za-z0-9%+/=]{16,}/g, replace: `$1${REDACTED}` },
  // Stripe, SendGrid, OpenAI, npm and similar prefixed keys.
  { regex: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: REDACTED },
  { regex: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, replace: REDACTED },
  { regex: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { regex: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  // JSON / YAML style pairs: "password": "x", 'apiKey': 'x', "db_token":"x". Matching starts at
  // the keyword (what precedes it in the key stays as it is), which keeps the scan linear.
  {
    regex:
      /((?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|private_key_id|client[_-]?secret|credentials?|auth)[A-Za-z0-9_.-]{0,40}["']?[ \t]{0,8}:[ \t]{0,8})(["'])(?!\[REDACTED\]\2)(?:\\.|(?!\2)[^\\\n]){1,4096}\2/gi,
    replace: `$1$2${REDACTED}$2`,
  },
  // key=value and key: value without quotes (logs, env dumps, connection strings, query strings).
  {
    regex:
      /((?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)[A-Za-z0-9_.-]{0,40}[ \t]{0,8}(?:=|:(?!\/\/))[ \t]{0,8})(?!\[REDACTED\])(?!["'])[^\s,;&'"}\])]+/gi,
    replace: `$1${REDACTED}`,
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest first, so a secret that contains another is replaced whole. */
function literalPattern(knownSecrets: Iterable<string> | undefined): RegExp | null {
  if (!knownSecrets) return null;
  const literals = new Set<string>();
  for (const secret of knownSecrets) {
    if (typeof secret !== 'string') continue;
    const trimmed = secret.trim();
    // A literal inside the marker itself would make a second pass rewrite the marker.
    if (trimmed.length >= MIN_LITERAL_LENGTH && !REDACTED.includes(trimmed)) literals.add(trimmed);
  }
  if (literals.size === 0) return null;
  const sorted = [...literals].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sorted.join('|'), 'g');
}

/** Redacts credentials in free text: log lines, event messages, annotation values. */
export function redactText(text: string, knownSecrets?: Iterable<string>): string {
  if (typeof text !== 'string' || text.length === 0) return typeof text === 'string' ? text : '';
  try {
    let result = text;
    const literals = literalPattern(knownSecrets);
    if (literals) result = result.replace(literals, REDACTED);
    for (const { regex, replace } of PATTERNS) result = result.replace(regex, replace);
    return result;
  } catch {
    // A pathological input must not leak: drop the text rather than send it unredacted.
    return REDACTED;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Container lists in a pod spec (or a pod template spec) that may carry env vars. */
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function containersOf(spec: unknown): Record<string, unknown>[] {
  if (!isRecord(spec)) return [];
  return CONTAINER_LISTS.flatMap((list) => {
    const containers = spec[list];
    return Array.isArray(containers) ? containers.filter(isRecord) : [];
  });
}

function secretEnvEntries(container: Record<string, unknown>): Record<string, unknown>[] {
  const env = container.env;
  if (!Array.isArray(env)) return [];
  return env.filter(
    (entry): entry is Record<string, unknown> =>
      isRecord(entry) && typeof entry.name === 'string' && typeof entry.value === 'string' && isSecretName(entry.name),
  );
}

/**
 * The literal values of secret-looking env vars (`env[].value`, not `valueFrom`) in every
 * container of a pod spec. Accepts a pod, a pod spec or a workload with a pod template.
 */
export function collectSecretValues(spec: unknown): string[] {
  try {
    const podSpec = podSpecOf(spec);
    const values = containersOf(podSpec).flatMap((container) =>
      secretEnvEntries(container).map((entry) => entry.value as string),
    );
    return [...new Set(values.filter((value) => value.length > 0 && value !== REDACTED))];
  } catch {
    return [];
  }
}

/** Finds the pod spec inside a Pod, a workload (`spec.template.spec`), a CronJob, or a bare spec. */
function podSpecOf(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const spec = value.spec;
  if (!isRecord(spec)) return value;
  const jobTemplateSpec = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  const template = isRecord(spec.template) ? spec.template : isRecord(jobTemplateSpec?.template) ? jobTemplateSpec.template : undefined;
  if (template && isRecord(template.spec)) return template.spec;
  return spec;
}

function redactContainer(container: Record<string, unknown>, knownSecrets: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...container };
  if (Array.isArray(container.env)) {
    copy.env = container.env.map((entry: unknown) => {
      if (!isRecord(entry) || typeof entry.value !== 'string') return entry;
      if (typeof entry.name === 'string' && isSecretName(entry.name)) return { ...entry, value: REDACTED };
      return { ...entry, value: redactText(entry.value, knownSecrets) };
    });
  }
  // Secrets also hide in command lines (`--password=…`) and args.
  for (const field of ['command', 'args'] as const) {
    const list = container[field];
    if (Array.isArray(list)) {
      copy[field] = list.map((item: unknown) => (typeof item === 'string' ? redactText(item, knownSecrets) : item));
    }
  }
  return copy;
}

/**
 * A copy of a pod spec with secret env values replaced and credentials in other env values,
 * commands and args redacted. The input is not modified.
 */
export function redactPodSpec<T>(spec: T): T {
  try {
    if (!isRecord(spec)) return spec;
    const knownSecrets = collectSecretValues(spec);
    const copy: Record<string, unknown> = { ...spec };
    for (const list of CONTAINER_LISTS) {
      const containers = spec[list];
      if (Array.isArray(containers)) {
        copy[list] = containers.map((container: unknown) =>
          isRecord(container) ? redactContainer(container, knownSecrets) : container,
        );
      }
    }
    return copy as T;
  } catch {
    return spec;
  }
}

/**
 * Fields that identify things rather than carry data. Known secret literals are not searched
 * for in them: a password of `postgres` must not turn the image `postgres:16` into
 * `[REDACTED]:16` and hide the very field a fix may need. Credential patterns still apply.
 */
const IDENTIFYING_KEYS = new Set(['image', 'imageID', 'name', 'kind', 'apiVersion', 'uid', 'containerID', 'mountPath', 'claimName']);

/** Applies redactText to every string in a JSON-like value; object keys are kept. */
export function redactDeep<T>(value: T, knownSecrets: string[], depth = 0): T {
  if (typeof value === 'string') return redactText(value, knownSecrets) as T;
  // Deeper than any real Kubernetes object; guards against cycles in hand-made input.
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, knownSecrets, depth + 1)) as T;
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = redactDeep(item, IDENTIFYING_KEYS.has(key) ? [] : knownSecrets, depth + 1);
    }
    return copy as T;
  }
  return value;
}

/** Secrets from the pod spec and from any spec embedded in a last-applied-configuration annotation. */
function secretsOfReport(report: FailureReport): string[] {
  const fromSpec = collectSecretValues(report.pod?.spec);
  const fromAnnotations = Object.values(report.pod?.annotations ?? {}).flatMap((value) => {
    if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return [];
    try {
      return collectSecretValues(JSON.parse(value) as unknown);
    } catch {
      return [];
    }
  });
  return [...new Set([...fromSpec, ...fromAnnotations])];
}

/**
 * Redacts everything in a report that can carry a secret: the pod spec, status messages, logs,
 * event messages and annotations (notably `kubectl.kubernetes.io/last-applied-configuration`,
 * which embeds the full manifest with env values). Returns a new report.
 */
export function redactReport(report: FailureReport): FailureReport {
  try {
    const knownSecrets = secretsOfReport(report);
    const redacted: FailureReport = { ...report };
    if (report.pod) {
      redacted.pod = {
        ...report.pod,
        labels: redactDeep(report.pod.labels, knownSecrets),
        annotations: redactAnnotations(report.pod.annotations, knownSecrets),
        spec: redactDeep(redactPodSpec(report.pod.spec), knownSecrets),
        status: redactDeep(report.pod.status, knownSecrets),
      };
    }
    if (report.failure) {
      redacted.failure = { ...report.failure, message: redactText(report.failure.message, knownSecrets) };
    }
    if (report.logs) {
      redacted.logs = {
        ...report.logs,
        ...(report.logs.previous !== undefined ? { previous: redactText(report.logs.previous, knownSecrets) } : {}),
        ...(report.logs.current !== undefined ? { current: redactText(report.logs.current, knownSecrets) } : {}),
      };
    }
    if (Array.isArray(report.events)) {
      redacted.events = report.events.map((event) => ({ ...event, message: redactText(event.message, knownSecrets) }));
    }
    if (report.dependencies) redacted.dependencies = redactDeep(report.dependencies, knownSecrets);
    return redacted;
  } catch {
    return withoutFreeText(report);
  }
}

/**
 * The fallback when a report is too malformed to redact field by field: everything that can
 * carry free text is dropped, so the failure is reported with less evidence rather than leaked.
 */
function withoutFreeText(report: FailureReport): FailureReport {
  const pod = isRecord(report?.pod) ? report.pod : undefined;
  return {
    ...report,
    ...(pod ? { pod: { ...pod, labels: {}, annotations: {}, spec: {}, status: {} } } : {}),
    ...(isRecord(report?.failure) ? { failure: { ...report.failure, message: REDACTED } } : {}),
    logs: { truncated: true },
    events: [],
    dependencies: undefined,
  };
}

/**
 * Annotation values are redacted as text; a JSON manifest (last-applied-configuration) is parsed,
 * its pod spec redacted structurally, and re-serialized so it stays valid JSON.
 */
function redactAnnotations(annotations: Record<string, string>, knownSecrets: string[]): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    copy[key] = redactAnnotationValue(value, knownSecrets);
  }
  return copy;
}

function redactAnnotationValue(value: string, knownSecrets: string[]): string {
  if (typeof value !== 'string') return value;
  if (value.trimStart().startsWith('{')) {
    try {
      const manifest = JSON.parse(value) as unknown;
      const structured = redactDeep(redactManifestEnv(manifest), knownSecrets);
      return JSON.stringify(structured) + (value.endsWith('\n') ? '\n' : '');
    } catch {
      // Not JSON after all: fall through to text redaction.
    }
  }
  return redactText(value, knownSecrets);
}

/** Redacts the pod spec inside a manifest (Pod, workload template, CronJob job template). */
function redactManifestEnv(manifest: unknown): unknown {
  if (!isRecord(manifest) || !isRecord(manifest.spec)) return manifest;
  const spec = manifest.spec;
  if (isRecord(spec.template) && isRecord(spec.template.spec)) {
    return { ...manifest, spec: { ...spec, template: { ...spec.template, spec: redactPodSpec(spec.template.spec) } } };
  }
  if (isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec)) {
    const jobSpec = spec.jobTemplate.spec;
    if (isRecord(jobSpec.template) && isRecord(jobSpec.template.spec)) {
      const template = { ...jobSpec.template, spec: redactPodSpec(jobSpec.template.spec) };
      return { ...manifest, spec: { ...spec, jobTemplate: { ...spec.jobTemplate, spec: { ...jobSpec, template } } } };
    }
  }
  return { ...manifest, spec: redactPodSpec(spec) };
}
