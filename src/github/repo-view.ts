/**
 * `RepoView` over the GitHub API: the default branch's whole tree in one recursive call, file
 * contents fetched only when read. Trees are cached by their SHA and blobs by theirs, so a
 * repository that did not change costs one branch lookup per job.
 *
 * Indexing reads every manifest in scope. Past a handful of YAML files, one tarball request
 * is cheaper than a blob request per file (a 5,000-file repository would otherwise cost
 * thousands of calls), so the view switches to the archive and serves reads from it. When the
 * archive cannot be had (a proxy that blocks it, some GitHub Enterprise setups, an archive over
 * its cap) the view falls back to blob requests, bounded in calls and bytes.
 *
 * Repository content is untrusted: no file larger than the per-file cap is downloaded, and all
 * reads together stay under the per-repository cap. What is left out is named in `readWarnings`.
 */
import type { RepoView } from '../locate/types.js';
import type { GitHub, RepoRef } from './octokit.js';
import { DEFAULT_TARBALL_LIMITS, readTarballStream, type TarballLimits } from './tarball.js';
import { MAX_MANIFEST_BYTES, MAX_REPOSITORY_BYTES } from '../locate/yaml-read.js';

/** More YAML files than this and the first read downloads the archive instead of one blob. */
export const ARCHIVE_THRESHOLD = 25;
/** Blob requests one view may make when it reads file by file without the archive. */
export const MAX_BLOB_REQUESTS = 500;
const YAML_FILE = /\.ya?ml$/i;

export interface RepoViewLimits {
  archiveThreshold: number;
  maxBlobRequests: number;
  /** Largest file read, and all files read together (also the archive's kept bytes). */
  maxFileBytes: number;
  maxRepositoryBytes: number;
  /** Uncompressed bytes of the archive. */
  maxArchiveBytes: number;
}

export const DEFAULT_REPO_VIEW_LIMITS: RepoViewLimits = {
  archiveThreshold: ARCHIVE_THRESHOLD,
  maxBlobRequests: MAX_BLOB_REQUESTS,
  maxFileBytes: MAX_MANIFEST_BYTES,
  maxRepositoryBytes: MAX_REPOSITORY_BYTES,
  maxArchiveBytes: DEFAULT_TARBALL_LIMITS.maxArchiveBytes,
};

interface TreeSnapshot {
  /** path → blob SHA, for regular files only. */
  blobs: Map<string, string>;
  /** path → size in bytes, as the tree reports it. */
  sizes: Map<string, number>;
  truncated: boolean;
}

/** Small bounded caches shared by all views in the process (content-addressed, so never stale). */
class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const trees = new BoundedCache<TreeSnapshot>(50);
const blobTexts = new BoundedCache<string>(2_000);

export interface BranchHead {
  branch: string;
  commitSha: string;
  treeSha: string;
}

export class GitHubRepoView implements RepoView {
  readonly id: string;

  private constructor(
    private readonly octokit: GitHub,
    readonly repository: RepoRef,
    readonly head: BranchHead,
    private readonly tree: TreeSnapshot,
    private readonly limits: RepoViewLimits,
  ) {
    this.id = `github:${repository.owner}/${repository.repo}@${head.treeSha}`;
    this.#yamlFiles = [...tree.blobs.keys()].filter((path) => YAML_FILE.test(path)).length;
  }

  readonly #yamlFiles: number;
  #archived: Promise<Map<string, string> | null> | null = null;
  #blobRequests = 0;
  #bytesRead = 0;
  readonly #warnings: string[] = [];

  /** Opens a view of `branch` (the default branch when omitted). */
  static async open(octokit: GitHub, repository: RepoRef, branch?: string, options: Partial<RepoViewLimits> = {}): Promise<GitHubRepoView> {
    const branchName = branch ?? (await octokit.rest.repos.get({ ...repository })).data.default_branch;
    const { data } = await octokit.rest.repos.getBranch({ ...repository, branch: branchName });
    const head: BranchHead = { branch: branchName, commitSha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
    let tree = trees.get(head.treeSha);
    if (!tree) {
      tree = await fetchTree(octokit, repository, head.treeSha);
      trees.set(head.treeSha, tree);
    }
    return new GitHubRepoView(octokit, repository, head, tree, { ...DEFAULT_REPO_VIEW_LIMITS, ...options });
  }

  get truncated(): boolean {
    return this.tree.truncated;
  }

  async listFiles(): Promise<string[]> {
    return [...this.tree.blobs.keys()];
  }

  /** The blob SHA of a file in this tree (no request), or null. */
  blobSha(path: string): string | null {
    return this.tree.blobs.get(path) ?? null;
  }

  /** The file's size as the tree reports it (no request), or null. */
  sizeOf(path: string): number | null {
    return this.tree.sizes.get(path) ?? null;
  }

  /** Files left unread by a cap, and a failed archive, in words for the thread. */
  readWarnings(): string[] {
    return [...this.#warnings];
  }

  async readFile(path: string): Promise<string | null> {
    const sha = this.tree.blobs.get(path);
    if (!sha) return null;
    const cached = blobTexts.get(sha);
    if (cached !== undefined) return cached;
    const size = this.tree.sizes.get(path) ?? 0;
    if (size > this.limits.maxFileBytes) return this.#leaveOut(path, `${size} bytes is over the ${this.limits.maxFileBytes}-byte per-file cap`);
    if (this.#yamlFiles > this.limits.archiveThreshold && YAML_FILE.test(path)) {
      const archived = (await this.#archive())?.get(path);
      if (archived !== undefined) return archived;
    }
    if (this.#blobRequests >= this.limits.maxBlobRequests) return this.#leaveOut(path, `the view already made ${this.limits.maxBlobRequests} blob requests`);
    if (this.#bytesRead + size > this.limits.maxRepositoryBytes) return this.#leaveOut(path, `the repository's files read together would pass the ${this.limits.maxRepositoryBytes}-byte cap`);
    this.#blobRequests += 1;
    this.#bytesRead += size;
    const { data } = await this.octokit.rest.git.getBlob({ ...this.repository, file_sha: sha });
    const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    blobTexts.set(sha, text);
    return text;
  }

  #leaveOut(path: string, reason: string): null {
    this.#warnings.push(`${path}: not read, ${reason}`);
    return null;
  }

  /**
   * Every YAML file of this commit from one streamed tarball request, memoized and put in the
   * blob cache; null when the archive cannot be read, and the view reads blob by blob instead.
   */
  #archive(): Promise<Map<string, string> | null> {
    this.#archived ??= (async () => {
      try {
        const response = await this.octokit.rest.repos.downloadTarballArchive({
          ...this.repository,
          ref: this.head.commitSha,
          // The body as a stream: the archive is gunzipped and read as it arrives, never held whole.
          request: { parseSuccessResponseBody: false },
        });
        const { files, skipped } = await readTarballStream(response.data as unknown as ReadableStream<Uint8Array>, (path) => YAML_FILE.test(path) && this.tree.blobs.has(path), this.#tarballLimits());
        for (const [path, text] of files) blobTexts.set(this.tree.blobs.get(path)!, text);
        for (const { path, reason } of skipped) this.#warnings.push(`${path}: not read, ${reason}`);
        this.#bytesRead += [...files.values()].reduce((total, text) => total + Buffer.byteLength(text), 0);
        return files;
      } catch (error) {
        this.#warnings.push(`the repository archive could not be read (${(error as Error).message}); files were read one by one, at most ${this.limits.maxBlobRequests}`);
        return null;
      }
    })();
    return this.#archived;
  }

  #tarballLimits(): TarballLimits {
    return { maxArchiveBytes: this.limits.maxArchiveBytes, maxFileBytes: this.limits.maxFileBytes, maxKeptBytes: this.limits.maxRepositoryBytes };
  }
}

async function fetchTree(octokit: GitHub, repository: RepoRef, treeSha: string): Promise<TreeSnapshot> {
  const { data } = await octokit.rest.git.getTree({ ...repository, tree_sha: treeSha, recursive: 'true' });
  const blobs = new Map<string, string>();
  const sizes = new Map<string, number>();
  for (const entry of data.tree) {
    // Submodules (commit) and symlinks (mode 120000) are not manifests KubeCure may edit.
    if (entry.type === 'blob' && entry.path && entry.sha && entry.mode !== '120000') {
      blobs.set(entry.path, entry.sha);
      if (typeof entry.size === 'number') sizes.set(entry.path, entry.size);
    }
  }
  return { blobs, sizes, truncated: data.truncated };
}
