/**
 * Checks the text of a `.github/kubecure.yml` and says where each problem is: the line and column
 * of the offending key or value, so a pull request check can annotate it and the CLI can print it.
 * The App and `kubecure config validate` share this, so both report the same problems.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseRepoConfig } from './schema.js';

export interface ConfigFileProblem {
  /** Dotted path of the offending key (`fixes.maxMemory`), `(file)` for a syntax error, `(root)` for the whole file. */
  path: string;
  message: string;
  /** 1-based position of the key or value the problem is about. */
  line: number;
  column: number;
  endLine: number;
}

export interface ConfigFileCheck {
  ok: boolean;
  problems: ConfigFileProblem[];
}

/** A config file has a handful of keys; anything this large is a mistake, not a configuration. */
export const MAX_CONFIG_BYTES = 64 * 1024;

export function checkConfigText(text: string): ConfigFileCheck {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    return failed([{ path: '(file)', message: `the file is larger than ${MAX_CONFIG_BYTES / 1024} KiB`, line: 1, column: 1, endLine: 1 }]);
  }
  const lineCounter = new LineCounter();
  // Aliases are never needed in this file; a small cap keeps an alias bomb from costing anything.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return failed(
      document.errors.map((error) => {
        const start = lineCounter.linePos(error.pos[0]);
        const end = lineCounter.linePos(error.pos[1]);
        return { path: '(file)', message: firstLine(error.message), line: start.line, column: start.col, endLine: end.line };
      }),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 10 });
  } catch (error) {
    return failed([{ path: '(file)', message: firstLine((error as Error).message), line: 1, column: 1, endLine: 1 }]);
  }
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    return failed([{ path: '(root)', message: 'the file must be a mapping of keys such as `clusters:`', line: 1, column: 1, endLine: 1 }]);
  }
  const parsed = parseRepoConfig(value ?? {});
  if (parsed.ok) return { ok: true, problems: [] };
  return failed(
    parsed.problems.map((problem) => {
      // A key that should not be there is pointed at itself, a bad value at the value.
      const node = nodeAt(document.contents, problem.path, problem.message.startsWith('unknown key'));
      const range = node?.range ?? [0, 0, 0];
      const start = lineCounter.linePos(range[0]);
      const end = lineCounter.linePos(Math.max(range[0], range[1] - 1));
      return { path: problem.path, message: problem.message, line: start.line, column: start.col, endLine: end.line };
    }),
  );
}

function failed(problems: ConfigFileProblem[]): ConfigFileCheck {
  return { ok: false, problems: [...problems].sort((a, b) => a.line - b.line || a.column - b.column) };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/**
 * The deepest node that exists along a dotted path: for a misspelt key the problem is reported on
 * its parent mapping, and for a bad list item on the item itself.
 */
function nodeAt(root: Node | null, path: string, wantKey: boolean): Node | null {
  if (path === '(root)' || path === '') return root;
  let node: Node | null = root;
  const segments = path.split('.');
  for (const [index, segment] of segments.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === segment);
      if (!pair) return node;
      const last = index === segments.length - 1;
      node = last && wantKey ? (pair.key as Node | null) : ((pair.value as Node | null) ?? (pair.key as Node | null));
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
