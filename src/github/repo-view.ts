/**
 * `RepoView` over the GitHub API: the default branch's whole tree in one recursive call, file
 * contents fetched only when read. Trees are cached by their SHA and blobs by theirs, so a
 * repository that did not change costs one branch lookup per job.
 *
 * Indexing reads every manifest in scope. Past a handful of YAML files, one tarball request
 * is cheaper than a blob request per file (a 5,000-file repository would otherwise cost
 * thousands of calls), so the view switches to the archive and serves reads from it.
 */
import type { RepoView } from '../locate/types.js';
import type { GitHub, RepoRef } from './octokit.js';
import { readTarball } from './tarball.js';

/** More YAML files than this and the first read downloads the archive instead of one blob. */
export const ARCHIVE_THRESHOLD = 25;
const YAML_FILE = /\.ya?ml$/i;

interface TreeSnapshot {
  /** path → blob SHA, for regular files only. */
  blobs: Map<string, string>;
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
    private readonly archiveThreshold: number,
  ) {
    this.id = `github:${repository.owner}/${repository.repo}@${head.treeSha}`;
    this.#yamlFiles = [...tree.blobs.keys()].filter((path) => YAML_FILE.test(path)).length;
  }

  readonly #yamlFiles: number;
  #archived: Promise<Map<string, string>> | null = null;

  /** Opens a view of `branch` (the default branch when omitted). */
  static async open(octokit: GitHub, repository: RepoRef, branch?: string, options: { archiveThreshold?: number } = {}): Promise<GitHubRepoView> {
    const branchName = branch ?? (await octokit.rest.repos.get({ ...repository })).data.default_branch;
    const { data } = await octokit.rest.repos.getBranch({ ...repository, branch: branchName });
    const head: BranchHead = { branch: branchName, commitSha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
    let tree = trees.get(head.treeSha);
    if (!tree) {
      tree = await fetchTree(octokit, repository, head.treeSha);
      trees.set(head.treeSha, tree);
    }
    return new GitHubRepoView(octokit, repository, head, tree, options.archiveThreshold ?? ARCHIVE_THRESHOLD);
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

  async readFile(path: string): Promise<string | null> {
    const sha = this.tree.blobs.get(path);
    if (!sha) return null;
    const cached = blobTexts.get(sha);
    if (cached !== undefined) return cached;
    if (this.#yamlFiles > this.archiveThreshold && YAML_FILE.test(path)) {
      const archived = (await this.#archive()).get(path);
      if (archived !== undefined) return archived;
    }
    const { data } = await this.octokit.rest.git.getBlob({ ...this.repository, file_sha: sha });
    const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    blobTexts.set(sha, text);
    return text;
  }


  /** Every YAML file of this commit from one tarball request, memoized and put in the blob cache. */
  #archive(): Promise<Map<string, string>> {
    this.#archived ??= (async () => {
      const response = await this.octokit.rest.repos.downloadTarballArchive({ ...this.repository, ref: this.head.commitSha });
      const files = readTarball(Buffer.from(response.data as ArrayBuffer), (path) => YAML_FILE.test(path) && this.tree.blobs.has(path));
      for (const [path, text] of files) blobTexts.set(this.tree.blobs.get(path)!, text);
      return files;
    })();
    return this.#archived;
  }
}

async function fetchTree(octokit: GitHub, repository: RepoRef, treeSha: string): Promise<TreeSnapshot> {
  const { data } = await octokit.rest.git.getTree({ ...repository, tree_sha: treeSha, recursive: 'true' });
  const blobs = new Map<string, string>();
  for (const entry of data.tree) {
    // Submodules (commit) and symlinks (mode 120000) are not manifests KubeCure may edit.
    if (entry.type === 'blob' && entry.path && entry.sha && entry.mode !== '120000') blobs.set(entry.path, entry.sha);
  }
  return { blobs, truncated: data.truncated };
}
