/**
 * Redaction: a FailureReport leaves the cluster, so every secret that could ride along in a pod
 * spec, a log line, an event message or an annotation is replaced with `[REDACTED]` before it
 * does. Three nets:
 *
 *  - default-deny for structured values: a literal env value leaves only in an allowlisted,
 *    non-secret shape (a URL's scheme, host and port; `host:port`; a JVM/Node heap flag; a
 *    number, quantity, boolean or log level); every other literal becomes `[REDACTED]`, keeping
 *    the variable's name and its source kind (`value`, or `valueFrom.secretKeyRef`… untouched).
 *    Annotation values leave only for the keys that locate a workload's source;
 *  - shape-based patterns for credentials in free text wherever they appear (vendor tokens,
 *    JWTs, PEM bodies, Authorization/Cookie headers, URL userinfo, DSNs, `password=…`,
 *    `--db-password VALUE`, `mysql -p…`, long high-entropy tokens);
 *  - the literal values of env vars whose names look secret (or that look like keys), collected
 *    from the spec, so a password that looks like a plain word is still caught when the app
 *    echoes it into a log.
 *
 * Every function is idempotent (redacting twice equals redacting once) and never throws: a
 * redactor that crashes would either lose the report or, worse, send it unredacted.
 */
import type { FailureReport } from './schema.js';

export const REDACTED = '[REDACTED]';

/** Env var names that carry secrets by convention (`DB_PASSWORD`, `GITHUB_TOKEN`, `API_KEY`…). */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|PWD|(^|_|-)PASS($|_|-)|TOKEN|SECRET|(^|_|-)KEY($|_|-)|APIKEY|API_KEY|ACCESS_KEY|PRIVATE|CREDENTIAL|AUTH|SIGNATURE|SALT|DSN|CONN(ECTION)?_?STR(ING)?|COOKIE|SESSION|JWT|BEARER|CERT)/i;

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
/** Words that make a key, a flag or a header name secret in free text. */
const SECRET_WORD = String.raw`(?:password|passwd|passphrase|pass(?![a-z])|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|cookie|session(?:[_-]?id)?|jwt|auth(?![a-z])|dsn)`;

const PATTERNS: Pattern[] = [
  // PEM blocks of any type, including one truncated by a log tail (no END line).
  { regex: /-----BEGIN ([A-Z0-9 ]{1,40})-----[\s\S]*?(?:-----END \1-----|$)/g, replace: REDACTED },
  // PEM bodies without their header: DER keys and certificates start with `MII`, and runs of
  // full-width base64 lines are what a PEM body looks like when the header was cut off.
  { regex: /\bMII[A-Za-z0-9+/]{40,}={0,2}/g, replace: REDACTED },
  { regex: /(?:^[A-Za-z0-9+/]{60,76}={0,2}\r?\n){2,}(?:[A-Za-z0-9+/]{1,76}={0,2}(?:\r?\n|$))?/gm, replace: `${REDACTED}\n` },
  // JSON Web Tokens: three base64url segments, the first two starting with `{"` encoded.
  { regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
  // Authorization, Cookie and API-key headers of any scheme (`token x`, `Bearer x`, `Digest …`), in
  // HTTP dumps, JSON and YAML alike: everything after the header name to the end of the value.
  {
    regex: /\b((?:proxy-)?authorization|set-cookie|cookie|x-api-key|x-auth-token|x-amz-security-token)(["']?[ \t]{0,8}[:=][ \t]{0,8})(["']?)(?!\[REDACTED\])[^\s"'][^\r\n"']{0,4095}/gi,
    replace: `$1$2$3${REDACTED}`,
  },
  // `Bearer xxx` and `Basic xxx` outside a header line.
  { regex: /\b(Bearer)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]{16,}=*/gi, replace: `$1 ${REDACTED}` },
  { regex: /\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9A-Z=])[A-Za-z0-9+/]{8,}={0,2}/g, replace: `$1 ${REDACTED}` },
  // Credentials in URLs: scheme://user:pass@host, the password of any characters (`/`, `@`):
  // the greedy match ends at the last `@` of the URL. User, host and port stay for diagnosis.
  { regex: /\b([a-z][a-z0-9+.-]{0,15}:\/\/[^\s:/@'"<>]{0,256}):(?!\[REDACTED\]@[^@\s'"<>]*(?:[\s'"<>]|$))[^\s'"<>]{1,512}@/gi, replace: `$1:${REDACTED}@` },
  // DSNs without a scheme: Go's `user:pass@tcp(host:3306)/db`, and `user:pass@host:port`.
  { regex: /\b([A-Za-z0-9_.-]{1,64}):(?!\[REDACTED\]@)[^\s@'"]{1,256}@(tcp|udp|unix)\(/g, replace: `$1:${REDACTED}@$2(` },
  { regex: /(^|[\s"'=,;(])([A-Za-z0-9_.-]{1,64}):(?!\[REDACTED\]@)[^\s@:'"/]{1,256}@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*:\d{2,5}\b)/gm, replace: `$1$2:${REDACTED}@$3` },
  // AWS access key ids.
  { regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  // GitHub tokens (classic, OAuth, app, refresh and fine-grained).
  { regex: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g, replace: REDACTED },
  // GitLab personal access tokens.
  { regex: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  // Slack tokens (bot, user, app-level, config) and webhook URLs.
  { regex: /\bxox[a-z]-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  { regex: /\bxapp-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  { regex: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g, replace: REDACTED },
  // Google API keys, OAuth client secrets, refresh and access tokens.
  { regex: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  { regex: /\bGOCSPX-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { regex: /\b1\/\/0[A-Za-z0-9_-]{30,}\b/g, replace: REDACTED },
  { regex: /\bya29\.[0-9A-Za-z_-]{20,}/g, replace: REDACTED },
  // Azure storage connection strings and SAS signatures.
  { regex: /\b(AccountKey|SharedAccessKey)=[^;\s'"]+/gi, replace: `$1=${REDACTED}` },
  { regex: /([?&]sig=)[A-Za-z0-9%+/=]{16,}/g, replace: `$1${REDACTED}` },
  // Stripe, SendGrid, OpenAI, Anthropic, npm and similar prefixed keys.
  { regex: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: REDACTED },
  { regex: /\bwhsec_[A-Za-z0-9]{16,}\b/g, replace: REDACTED },
  { regex: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, replace: REDACTED },
  { regex: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { regex: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  // `mysql -pSECRET` (the password glued to the flag, as the MySQL clients take it).
  { regex: /\b(mysql|mysqladmin|mysqldump|mariadb|mysqlimport)\b([^\n]{0,200}?\s)-p(?!\[REDACTED\])(?=\S)[^\s'"]+/g, replace: `$1$2-p${REDACTED}` },
  // `--db-password VALUE`, `--api-token=VALUE`, `-secret VALUE`: secret-looking flags and their value.
  {
    regex: new RegExp(String.raw`(--?[A-Za-z0-9]{0,40}(?:[_-][A-Za-z0-9]{1,40}){0,4}?[_-]?${SECRET_WORD}(?:[_-][A-Za-z0-9]{1,40}){0,3})(=|[ \t]+)(?!-)(?!\[REDACTED\])[^\s'"]+`, 'gi'),
    replace: `$1$2${REDACTED}`,
  },
  // JSON / YAML style pairs: "password": "x", 'apiKey': 'x', "SESSION_COOKIE": "x". Matching starts at
  // the keyword (what precedes it in the key stays as it is), which keeps the scan linear.
  {
    regex: new RegExp(String.raw`(${SECRET_WORD}[A-Za-z0-9_.-]{0,40}["']?[ \t]{0,8}:[ \t]{0,8})(["'])(?!\[REDACTED\]\2)(?:\\.|(?!\2)[^\\\n]){1,4096}\2`, 'gi'),
    replace: `$1$2${REDACTED}$2`,
  },
  // key=value and key: value without quotes (logs, env dumps, connection strings, query strings):
  // `DB_PASS=x`, `pass=x`, `SESSION_COOKIE: x`.
  {
    regex: new RegExp(String.raw`(${SECRET_WORD}[A-Za-z0-9_.-]{0,40}[ \t]{0,8}(?:=|:(?!\/\/))[ \t]{0,8})(?!\[REDACTED\])(?!["'])[^\s,;&'"}\])]+`, 'gi'),
    replace: `$1${REDACTED}`,
  },
];

/** An AWS secret access key is 40 base64 characters; next to an access key id it needs no label. */
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/;
const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Long runs of base64/base62 characters: a token is random, prose and identifiers are not. */
const TOKEN_CANDIDATE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{32,512}(?![A-Za-z0-9+/_=-])/g;
const MIN_TOKEN_ENTROPY_BITS = 4.2;

function entropyPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/**
 * Whether a run of token characters is a secret: upper case, lower case and digits mixed with high
 * entropy. Hex digests, UUIDs and paths (no upper case, or separators every few characters) are
 * identifiers that diagnosis needs, so they stay.
 */
function looksLikeToken(candidate: string): boolean {
  if (!/[A-Z]/.test(candidate) || !/[a-z]/.test(candidate) || !/[0-9]/.test(candidate)) return false;
  if (candidate.includes(REDACTED)) return false;
  return entropyPerChar(candidate) >= MIN_TOKEN_ENTROPY_BITS;
}

function redactTokens(text: string): string {
  let result = text.replace(TOKEN_CANDIDATE, (candidate) => (looksLikeToken(candidate) ? REDACTED : candidate));
  if (AWS_KEY_ID.test(text)) result = result.replace(AWS_SECRET_SHAPE, (candidate) => (candidate.includes('[') ? candidate : REDACTED));
  return result;
}

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
    return redactTokens(result);
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

/**
 * Env entries whose literal value is searched for in logs: those with a secret-looking name, and
 * those whose value is withheld and looks like a key rather than a word (a word such as
 * `production` also appears in harmless log lines, a key does not).
 */
function secretEnvEntries(container: Record<string, unknown>): Record<string, unknown>[] {
  const env = container.env;
  if (!Array.isArray(env)) return [];
  return env.filter(
    (entry): entry is Record<string, unknown> =>
      isRecord(entry) &&
      typeof entry.name === 'string' &&
      typeof entry.value === 'string' &&
      (isSecretName(entry.name) || (allowedEnvValue(entry.name, entry.value) === null && /^(?=.*\d)(?=.*[A-Za-z])\S{8,}$/.test(entry.value))),
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

/** JVM and Node heap settings: the OOM rule reads them to tell a container limit from a heap limit. */
const HEAP_FLAG = /^(?:-Xm[sx]\d+[kKmMgG]?|-Xss\d+[kKmMgG]?|-XX:(?:Max|Initial|Min)RAM(?:Percentage)?=\d+(?:\.\d+)?[kKmMgG]?|-XX:[+-]UseContainerSupport|--max-old-space-size[= ]\d+|--max-semi-space-size[= ]\d+)$/;
const URL_IN_VALUE = /\b([a-z][a-z0-9+.-]{0,30}):\/\/(?:[^\s'"<>]*@)?([^\s/?#'"`<>@]+)/gi;
const HOST_LIST = /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*(:\d{1,5})?(,[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*(:\d{1,5})?)*$/i;
/** Names whose value is an address: a bare word there is a host name, elsewhere it may be a password. */
const HOST_NAME_VARIABLE = /(HOST|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT|URL|URI|SERVICE|BROKERS?|NODES?|CLUSTER|DOMAIN|UPSTREAM|BACKEND|PEERS?)S?$/i;
const PLAIN_SCALAR = /^(?:true|false|yes|no|on|off|enabled|disabled|none|trace|debug|info|notice|warn|warning|error|fatal|critical|-?\d{1,9}(?:\.\d{1,6})?(?:[a-zA-Z]{1,3}|%)?)$/i;

/** `scheme://host:port` of every URL in a value, credentials, path and query left out. */
function urlHosts(value: string): string[] {
  // The userinfo (which may contain `/` and `@`) is skipped up to the last `@`; what follows is the host.
  return [...value.matchAll(URL_IN_VALUE)].map((match) => `${match[1]!.toLowerCase()}://${match[2]!}`);
}

/**
 * The part of a literal env value that may leave the cluster, or null when none may: default-deny,
 * with an allowlist of shapes that carry no secret and that diagnosis or correlation needs.
 */
export function allowedEnvValue(name: string, value: string): string | null {
  if (isSecretName(name)) return null;
  const trimmed = value.trim();
  if (trimmed === '' || PLAIN_SCALAR.test(trimmed)) return value;
  const tokens = trimmed.split(/\s+/);
  const heapFlags = tokens.filter((token) => HEAP_FLAG.test(token));
  if (heapFlags.length > 0) return heapFlags.length === tokens.length ? trimmed : `${heapFlags.join(' ')} ${REDACTED}`;
  const hosts = urlHosts(trimmed);
  if (hosts.length > 0) return hosts.join(' ');
  if (HOST_LIST.test(trimmed) && !looksLikeToken(trimmed) && (/[.:]/.test(trimmed) || HOST_NAME_VARIABLE.test(name))) return trimmed;
  return null;
}

/** The (redacted) args that follow a secret-looking flag given as its own item: `["--db-password", "x"]`. */
const SECRET_FLAG_ALONE = new RegExp(String.raw`^--?[A-Za-z0-9_-]{0,60}${SECRET_WORD}[A-Za-z0-9_-]{0,40}$`, 'i');

function redactArgs(list: unknown[], knownSecrets: string[]): unknown[] {
  return list.map((item, index) => {
    if (typeof item !== 'string') return item;
    const previous = list[index - 1];
    if (typeof previous === 'string' && SECRET_FLAG_ALONE.test(previous) && !item.startsWith('-')) return REDACTED;
    return redactText(item, knownSecrets);
  });
}

function redactContainer(container: Record<string, unknown>, knownSecrets: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...container };
  if (Array.isArray(container.env)) {
    // Names and `valueFrom` references stay (they name things); literal values leave only in an allowed shape.
    copy.env = container.env.map((entry: unknown) => {
      if (!isRecord(entry) || typeof entry.value !== 'string') return entry;
      const name = typeof entry.name === 'string' ? entry.name : '';
      return { ...entry, value: allowedEnvValue(name, entry.value) ?? REDACTED };
    });
  }
  // Secrets also hide in command lines (`--password=…`, `--password VALUE`) and args.
  for (const field of ['command', 'args'] as const) {
    const list = container[field];
    if (Array.isArray(list)) copy[field] = redactArgs(list, knownSecrets);
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
const IDENTIFYING_KEYS = new Set(['image', 'imageID', 'name', 'kind', 'apiVersion', 'uid', 'containerID', 'mountPath', 'claimName', 'namespace', 'cluster', 'container', 'nodeName', 'category', 'host', 'observedAt', 'firstSeen', 'lastSeen']);

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
    // Every other string field too (event reasons and objects, status messages, source hints…):
    // credential patterns apply everywhere, whatever field a cluster manages to put text in.
    return { ...redactDeep(redacted, knownSecrets), pod: redacted.pod && { ...redactDeep(redacted.pod, []), annotations: redacted.pod.annotations } };
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
/**
 * Annotations that say where a workload comes from (locate/hints.ts reads them) or how it is
 * scraped. Every other annotation value is withheld: annotations are free-form, written by
 * whoever deploys, and `last-applied-configuration` embeds the whole manifest.
 */
const ALLOWED_ANNOTATION = /^(?:argocd\.argoproj\.io\/(?:tracking-id|instance|sync-wave|compare-options)|config\.kubernetes\.io\/origin|meta\.helm\.sh\/release-(?:name|namespace)|kustomize\.toolkit\.fluxcd\.io\/[a-z-]+|helm\.toolkit\.fluxcd\.io\/[a-z-]+|app\.kubernetes\.io\/[a-z-]+|deployment\.kubernetes\.io\/revision|kubernetes\.io\/(?:config\.source|config\.seen)|kubectl\.kubernetes\.io\/(?:restartedAt|default-container)|prometheus\.io\/(?:scrape|port|path|scheme)|cluster-autoscaler\.kubernetes\.io\/safe-to-evict)$/;
const MAX_ANNOTATION_CHARS = 1_024;

function redactAnnotations(annotations: Record<string, string>, knownSecrets: string[]): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const allowed = ALLOWED_ANNOTATION.test(key) && typeof value === 'string' && value.length <= MAX_ANNOTATION_CHARS;
    copy[key] = allowed ? redactAnnotationValue(value, knownSecrets) : REDACTED;
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
