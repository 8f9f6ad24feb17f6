/**
 * Every log line the App and the agent write during a run, kept in memory so a test can assert
 * what was said (and, for the secret canary, what never was).
 */
export type LogSource = 'app' | 'agent';

export class LogCapture {
  readonly lines: Array<{ source: LogSource; line: string }> = [];

  push(source: LogSource, text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.lines.push({ source, line });
  }

  /** A writer for `createJsonLogger`. */
  writer(source: LogSource): (line: string) => void {
    return (line) => this.push(source, line);
  }

  containing(text: string): string[] {
    return this.lines.filter((entry) => entry.line.includes(text)).map((entry) => `${entry.source}: ${entry.line}`);
  }

  count(source?: LogSource): number {
    return source ? this.lines.filter((entry) => entry.source === source).length : this.lines.length;
  }
}
