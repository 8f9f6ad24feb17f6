/**
 * POSIX path helpers for repository-relative paths. Repository paths never start with `/` and use
 * `/` on every platform, so node:path's platform flavour would be wrong on Windows.
 */
import { posix } from 'node:path';

/** `./apps/prod/` → `apps/prod`; the repository root is the empty string. */
export function normalizeRepoPath(path: string): string {
  const normalized = posix.normalize(path.replace(/\\/g, '/')).replace(/^\/+/, '').replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
}

export function dirOf(file: string): string {
  const dir = posix.dirname(file);
  return dir === '.' ? '' : dir;
}

/** Joins a path relative to a directory of the repository, resolving `..`. */
export function joinRepoPath(dir: string, relative: string): string {
  return normalizeRepoPath(posix.join(dir || '.', relative));
}

/** True when `file` is `dir` itself or lies below it. The root contains everything. */
export function isWithin(file: string, dir: string): boolean {
  if (dir === '') return true;
  return file === dir || file.startsWith(`${dir}/`);
}

export function baseName(file: string): string {
  return posix.basename(file);
}

/** Lower-case path segments split on `/`, `-`, `_` and `.`: the words a path is made of. */
export function pathWords(path: string): string[] {
  return path.toLowerCase().split(/[/_.-]+/).filter((word) => word.length > 0);
}

/**
 * Compiles a restriction pattern: globs (`*`, `**`, `?`) match whole paths, anything else is a
 * directory or file prefix (`apps/checkout` selects everything below it).
 */
export function compilePathPattern(pattern: string): (file: string) => boolean {
  const normalized = normalizeRepoPath(pattern);
  if (!/[*?]/.test(normalized)) return (file) => isWithin(file, normalized);
  let source = '';
  for (let i = 0; i < normalized.length; i += 1) {
    const char = normalized[i] as string;
    if (char === '*' && normalized[i + 1] === '*') {
      // `**/` matches zero or more whole directories.
      source += normalized[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += normalized[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}(?:/.*)?$`);
  return (file) => regex.test(file);
}
