/** Structured JSON logs, one object per line on stdout, as log collectors in clusters expect. */
import type { Logger } from '../src/logger.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createJsonLogger(
  minimum: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (level: LogLevel) => (obj: object | string, msg?: string) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    const fields = typeof obj === 'string' ? { msg: obj } : { ...errorFields(obj), ...(msg !== undefined ? { msg } : {}) };
    write(JSON.stringify({ time: new Date().toISOString(), level, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Errors serialise to `{}` by default; keep their message. */
function errorFields(obj: object): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) out[key] = value instanceof Error ? value.message : value;
  return out;
}
