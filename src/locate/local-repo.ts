/** A RepoView over a folder on disk: the CLI's repository and the tests' fixture repos. */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { RepoView } from './types.js';
import { normalizeRepoPath } from './posix-path.js';

/** Folders that never hold manifests and can be huge. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

export class LocalRepoView implements RepoView {
  readonly id: string;
  private readonly root: string;
  private listing: Promise<string[]> | null = null;
  private realRoot: Promise<string> | null = null;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.id = `local:${this.root}`;
  }

  listFiles(): Promise<string[]> {
    this.listing ??= this.walk('').then((files) => files.sort());
    return this.listing;
  }

  async readFile(path: string): Promise<string | null> {
    const relative = normalizeRepoPath(path);
    const absolute = resolve(this.root, relative);
    // A `..` path must not escape the repository.
    if (!this.contains(this.root, absolute)) return null;
    try {
      // Nor may a symlink, at any depth of the path: what counts is where it resolves to.
      this.realRoot ??= realpath(this.root);
      if (!this.contains(await this.realRoot, await realpath(absolute))) return null;
      const info = await stat(absolute);
      if (!info.isFile()) return null;
      return await readFile(absolute, 'utf8');
    } catch {
      return null;
    }
  }

  private contains(root: string, absolute: string): boolean {
    return absolute === root || absolute.startsWith(root + sep);
  }

  private async walk(relativeDir: string): Promise<string[]> {
    const entries = await readdir(join(this.root, relativeDir), { withFileTypes: true });
    const nested = await Promise.all(
      entries.map(async (entry) => {
        const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
        if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : this.walk(relative);
        return entry.isFile() ? [relative] : [];
      }),
    );
    return nested.flat();
  }
}
