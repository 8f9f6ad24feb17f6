/**
 * What crash logs say, across runtimes: missing environment variables, commands that do not
 * exist, refused connections and the decisive lines of panics and stack traces.
 */
import { findLines } from './report-text.js';

const NAME = '([A-Z][A-Z0-9_]{1,})';

/** Each pattern captures the variable's name in group 1. */
export const MISSING_ENV_PATTERNS: readonly RegExp[] = [
  new RegExp(`environment variable[: ]+["'\`]?${NAME}["'\`]? (?:is )?(?:not set|not defined|missing|required|is empty|must be set)`, 'i'),
  new RegExp(`(?:missing|required|undefined|unset)(?: required)? (?:env(?:ironment)?(?: var(?:iable)?)?s?)[: ]+["'\`]?${NAME}`, 'i'),
  new RegExp(`env: required environment variable "${NAME}" is not set`),
  new RegExp(`required key ${NAME} missing value`),
  new RegExp(`KeyError: (?:key not found: )?["']${NAME}["']`),
  new RegExp(`Could not resolve placeholder '${NAME}'`),
  new RegExp(`\\b${NAME}:? (?:must be set|is not set|is required|not set|is missing|is undefined|is empty)`),
  new RegExp(`\\b${NAME}: (?:unbound variable|parameter not set|parameter null or not set)`),
  new RegExp(`\\$\\{${NAME}\\}`),
];

export interface MissingEnv {
  name: string;
  line: string;
}

/** Words that are not variable names even though they are written in capitals. */
const NOT_A_VARIABLE = new Set(['ERROR', 'FATAL', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'PANIC', 'ENV', 'PATH']);

/**
 * Where text the program merely quotes begins: a request line, a URL, a query string or a field
 * that carries user input. A server that logs `GET /search?q=environment variable X is not set`
 * is reporting what a visitor typed, not its own error.
 */
const QUOTED_INPUT =
  /\b(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) +\/|\b[a-z][a-z0-9+.-]*:\/\/|\/[^\s"']*\?|[?&][\w.-]+=|\b(?:q|query|search|term|keywords?|input|body|payload|request|url|uri|path|referr?er|user[_-]?agent)["']?\s*[=:]/i;

/** The part of a log line that is the program's own words, before any quoted request or input. */
export function ownWords(line: string): string {
  const quoted = QUOTED_INPUT.exec(line);
  return quoted ? line.slice(0, quoted.index) : line;
}

/**
 * Variables the failing container's own error output says are missing. Only the program's own
 * words count (see ownWords): evidence that a value must be set never comes from quoted input.
 */
export function missingEnvVariables(lines: readonly string[]): MissingEnv[] {
  const found = new Map<string, MissingEnv>();
  for (const line of lines) {
    const own = ownWords(line);
    for (const pattern of MISSING_ENV_PATTERNS) {
      const name = pattern.exec(own)?.[1];
      if (name && !NOT_A_VARIABLE.has(name) && !found.has(name)) found.set(name, { name, line });
    }
  }
  return [...found.values()];
}

const SECRET_NAME = /PASS(?:WORD|WD)?|TOKEN|SECRET|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|_KEY$|^KEY$|AUTH|CERT|DSN|SALT/i;

/** Names whose values must come from a Secret, never a literal in Git. */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

export const COMMAND_NOT_FOUND =
  /exec: "[^"]+": executable file not found|exec: "[^"]+": stat [^:]+: no such file or directory|executable file not found in \$PATH|: command not found|sh: \d+: [^:]+: not found|exec [^:]+: no such file or directory|exec format error/;

/** The command a not-found line names. */
export function missingCommand(line: string): string | null {
  const match = /exec: "([^"]+)"/.exec(line) ?? /(?:sh|bash): (?:\d+: )?([^:]+): (?:command )?not found/.exec(line) ?? /exec ([^:]+): no such file/.exec(line);
  return match?.[1] ?? null;
}

export const CONNECTION_FAILURE =
  /ECONNREFUSED|connection refused|Connection refused|could not connect to|ENOTFOUND|getaddrinfo|no such host|Name or service not known|Temporary failure in name resolution|ETIMEDOUT|Connection timed out/;

const PANIC_START = /^(?:panic: |fatal error: |Traceback \(most recent call last\)|Exception in thread |thread '[^']+' panicked at|Unhandled exception|UnhandledPromiseRejection|FATAL|Fatal error)/;
const EXCEPTION_LINE = /^(?:[\w.$]+(?:Error|Exception|Exit)\b.*|Caused by: .+|(?:Type|Reference|Range|Syntax)Error: .+|Error: .+|panic: .+|fatal error: .+)$/;

/** The lines that name what went wrong in a panic or stack trace: its first and exception lines. */
export function decisiveLines(lines: readonly string[], limit = 4): string[] {
  const starts = findLines(lines.map((line) => line.trim()), PANIC_START, 2);
  const exceptions = findLines(lines.map((line) => line.trim()), EXCEPTION_LINE, 6);
  // The last exception of a traceback is the one raised; the first `Caused by` is the root.
  const picked = [...starts, ...exceptions.slice(-2), ...exceptions.filter((line) => line.startsWith('Caused by')).slice(0, 1)];
  return [...new Set(picked)].slice(0, limit);
}

const ERROR_LINE = /\b(?:error|fatal|panic|exception|failed|cannot|could not|unable to)\b/i;

/**
 * The program's own words on its error lines (see ownWords): what a fix to an env variable must
 * be grounded in. Quoted requests and user input are cut off, so they cannot name a variable.
 */
export function ownErrorWords(lines: readonly string[]): string[] {
  return lines.map(ownWords).filter((own) => ERROR_LINE.test(own) || MISSING_ENV_PATTERNS.some((pattern) => pattern.test(own)));
}

/** Error-looking log lines, the last ones first matter most: they precede the exit. */
export function errorLines(lines: readonly string[], limit = 3): string[] {
  return lines.filter((line) => ERROR_LINE.test(line)).slice(-limit);
}
