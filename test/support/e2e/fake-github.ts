/**
 * GitHub at the HTTP boundary, as a small stateful fake behind nock: one repository whose
 * default branch holds a fixture tree, and the REST endpoints KubeCure calls (installation
 * tokens, config, trees, blobs, tarball, Git Data writes, pull requests, issues, comments,
 * labels, reactions, permissions). Writes change the state, so what a job reads next is what
 * the previous one wrote, as on GitHub: this is what lets the end-to-end tests see dedup,
 * sticky comments and retries work across many jobs.
 *
 * Every request is recorded; a request no route answers is recorded as unhandled (and answered
 * 501), so a test can assert the App made no call it did not expect. Faults (5xx, secondary rate
 * limits with Retry-After, connection timeouts) can be injected for the next matching requests.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { buildTarball } from '../../github/tar-builder.js';

export const GITHUB_API = 'https://api.github.com';
export const BOT_LOGIN = 'kubecure[bot]';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  /** `Date.now()` when the request arrived. */
  at: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeThread {
  number: number;
  kind: 'pull_request' | 'issue';
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  body: string;
  labels: string[];
  createdAt: string;
  mergedAt?: string;
  /** Pull requests only. */
  head?: string;
  base?: string;
  draft?: boolean;
  reviewers?: string[];
  comments: FakeComment[];
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  /** Login of the account that made the commit: the App for commits made through the API. */
  author: string;
}

export type FaultKind = 'server-error' | 'secondary-rate-limit' | 'timeout';

interface Fault {
  matches: (call: RecordedCall) => boolean;
  kind: FaultKind;
  remaining: number;
  retryAfterSeconds: number;
}

type Reply = [number, unknown, Record<string, string>?];

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const gitBlobSha = (content: string) => sha1(`blob ${Buffer.byteLength(content)}\0${content}`);

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  installationId?: number;
  /** path → content of the default branch. */
  files: Record<string, string>;
  /** `.github/kubecure.yml`; null for a repository that has not opted in. */
  config: string | null;
  defaultBranch?: string;
  /** Users and their permission for `/kubecure` commands. */
  permissions?: Record<string, 'admin' | 'write' | 'read'>;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
  readonly defaultBranch: string;
  readonly calls: RecordedCall[] = [];
  readonly unhandled: RecordedCall[] = [];
  readonly threads = new Map<number, FakeThread>();
  readonly reactions: Array<{ commentId: number; content: string }> = [];
  /** tree SHA → path → content. */
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, Commit>();
  /** branch → commit SHA. */
  readonly refs = new Map<string, string>();
  readonly #blobs = new Map<string, string>();
  readonly #faults: Fault[] = [];
  readonly #delays: Array<{ matches: (call: RecordedCall) => boolean; delayMs: number }> = [];
  readonly #permissions: Record<string, string>;
  #config: string | null;
  #nextNumber = 1;
  #nextCommentId = 1000;
  readonly #interceptors: nock.Interceptor[] = [];
  #clock = Date.parse('2026-11-22T00:00:00Z');

  constructor(options: FakeGitHubOptions) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'gitops';
    this.installationId = options.installationId ?? 4242;
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.#config = options.config;
    this.#permissions = options.permissions ?? {};
    const tree = this.#storeTree(new Map(Object.entries(options.files)));
    const root = this.#storeCommit({ tree, parents: [], message: 'Initial manifests', author: 'alice' });
    this.refs.set(this.defaultBranch, root);
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Intercepts api.github.com until `stop()`. */
  start(): this {
    const scope = nock(GITHUB_API).persist();
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      const interceptor = scope[method](/.*/);
      interceptor.reply((uri, body, callback) => {
        this.#respond(method.toUpperCase(), uri, body).then(
          (reply) => callback(null, reply as unknown as nock.ReplyFnResult),
          (error: Error) => callback(error, [500, '']),
        );
      });
      this.#interceptors.push(interceptor);
    }
    return this;
  }

  stop(): void {
    for (const interceptor of this.#interceptors.splice(0)) nock.removeInterceptor(interceptor);
  }

  // ---- state a test reads ---------------------------------------------------------------------

  pullRequests(): FakeThread[] {
    return [...this.threads.values()].filter((thread) => thread.kind === 'pull_request');
  }

  issues(): FakeThread[] {
    return [...this.threads.values()].filter((thread) => thread.kind === 'issue');
  }

  /** The files at the head of `branch`. */
  filesAt(branch: string): Map<string, string> {
    const commit = this.commits.get(this.refs.get(branch) ?? '');
    if (!commit) throw new Error(`no branch ${branch}`);
    return this.trees.get(commit.tree)!;
  }

  /** Commits on `branch` that are not on the default branch, newest first. */
  commitsOn(branch: string): Commit[] {
    const base = new Set(this.#history(this.refs.get(this.defaultBranch)!).map((commit) => commit.sha));
    return this.#history(this.refs.get(branch) ?? '').filter((commit) => !base.has(commit.sha));
  }

  /** Every text KubeCure wrote to GitHub: thread titles and bodies, comments, commit messages. */
  writtenTexts(): string[] {
    const texts: string[] = [];
    for (const thread of this.threads.values()) {
      texts.push(thread.title, thread.body, ...thread.comments.filter((comment) => comment.user.login === BOT_LOGIN).map((comment) => comment.body));
    }
    for (const commit of this.commits.values()) texts.push(commit.message);
    return texts;
  }

  /** Write calls (POST/PATCH/PUT/DELETE), except token exchanges. */
  writes(): RecordedCall[] {
    return this.calls.filter((call) => call.method !== 'GET' && !call.path.endsWith('/access_tokens'));
  }

  // ---- what a test does to GitHub -------------------------------------------------------------

  setConfig(yaml: string | null): void {
    this.#config = yaml;
  }

  /** Merges a pull request into the default branch (fast-forward onto its head). */
  merge(number: number): void {
    const thread = this.threads.get(number);
    if (!thread || thread.kind !== 'pull_request' || !thread.head) throw new Error(`#${number} is not a pull request`);
    const head = this.refs.get(thread.head)!;
    const tree = this.commits.get(head)!.tree;
    const merged = this.#storeCommit({ tree, parents: [this.refs.get(this.defaultBranch)!, head], message: `Merge pull request #${number}`, author: 'alice' });
    this.refs.set(this.defaultBranch, merged);
    thread.state = 'closed';
    thread.merged = true;
    thread.mergedAt = new Date().toISOString();
  }

  /** A comment by a person, as the webhook would carry it; returns the comment. */
  addUserComment(number: number, login: string, body: string): FakeComment {
    const comment = { id: this.#nextCommentId++, body, user: { login, type: 'User' } };
    this.threads.get(number)!.comments.push(comment);
    return comment;
  }

  /** The next `times` requests matching `matches` (method + path prefix, or a predicate) fail. */
  failNext(matches: string | ((call: RecordedCall) => boolean), kind: FaultKind, times = 1, retryAfterSeconds = 1): void {
    const predicate =
      typeof matches === 'string'
        ? (call: RecordedCall) => `${call.method} ${call.path}`.startsWith(matches)
        : matches;
    this.#faults.push({ matches: predicate, kind, remaining: times, retryAfterSeconds });
  }

  /** The next request matching `matches` is answered normally, but only after `delayMs`. */
  delayNext(matches: string, delayMs: number): void {
    this.#delays.push({ matches: (call) => `${call.method} ${call.path}`.startsWith(matches), delayMs });
  }

  pendingFaults(): number {
    return this.#faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async #respond(method: string, uri: string, body: unknown): Promise<Reply> {
    const url = new URL(uri, GITHUB_API);
    const call: RecordedCall = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: typeof body === 'string' && body.length > 0 ? tryJson(body) : body,
      at: Date.now(),
    };
    this.calls.push(call);
    const fault = this.#faults.find((candidate) => candidate.remaining > 0 && candidate.matches(call));
    if (fault) {
      fault.remaining -= 1;
      return this.#fault(fault);
    }
    const delay = this.#delays.findIndex((candidate) => candidate.matches(call));
    if (delay !== -1) await new Promise((resolve) => setTimeout(resolve, this.#delays.splice(delay, 1)[0]!.delayMs));
    const reply = this.#route(call);
    if (reply) return reply;
    this.unhandled.push(call);
    return [501, { message: `fake GitHub has no route for ${method} ${url.pathname}` }];
  }

  async #fault(fault: Fault): Promise<Reply> {
    switch (fault.kind) {
      case 'server-error':
        return [502, { message: 'Server Error' }];
      case 'secondary-rate-limit':
        return [
          403,
          { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' },
          { 'retry-after': String(fault.retryAfterSeconds), 'x-ratelimit-remaining': '4000' },
        ];
      case 'timeout': {
        // What a client sees when GitHub does not answer in time: the socket gives up.
        const error = Object.assign(new Error('connect ETIMEDOUT 140.82.112.6:443'), { code: 'ETIMEDOUT' });
        throw error;
      }
    }
  }

  #route(call: RecordedCall): Reply | null {
    const { method, path } = call;
    const installationToken = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (method === 'POST' && installationToken) {
      return Number(installationToken[1]) === this.installationId
        ? [201, { token: `ghs_installation_${this.installationId}`, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' }]
        : [404, { message: 'Not Found' }];
    }
    // The App reads its own login once at start: its bot account is `kubecure[bot]`.
    if (method === 'GET' && path === '/app') return [200, { id: 1, slug: BOT_LOGIN.replace(/\[bot\]$/, ''), name: 'KubeCure' }];
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!path.startsWith(`/repos/`)) return null;
    if (path.startsWith(`/repos/${this.owner}/.github/`)) return [404, { message: 'Not Found' }];
    if (!path.startsWith(prefix)) {
      // Another repository: the App is not installed there.
      return /^\/repos\/[^/]+\/[^/]+\/installation$/.test(path) ? [404, { message: 'Not Found' }] : null;
    }
    const rest = path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    return this.#repositoryRoute(method, rest, call);
  }

  #repositoryRoute(method: string, rest: string, call: RecordedCall): Reply | null {
    const body = call.body ?? {};
    let match: RegExpExecArray | null;
    const route = (verb: string, pattern: RegExp) => method === verb && (match = pattern.exec(rest)) !== null;

    if (route('GET', /^\/installation$/)) return [200, { id: this.installationId, account: { login: this.owner } }];
    if (route('GET', /^$/)) return [200, { name: this.repo, full_name: this.fullName, default_branch: this.defaultBranch, owner: { login: this.owner } }];
    if (route('GET', /^\/contents\/(.+)$/)) {
      if (match![1] !== '.github/kubecure.yml' || this.#config === null) return [404, { message: 'Not Found' }];
      return [200, this.#config, { 'content-type': 'text/plain; charset=utf-8' }];
    }
    if (route('GET', /^\/branches\/(.+)$/)) {
      const sha = this.refs.get(match![1]!);
      if (!sha) return [404, { message: 'Branch not found' }];
      return [200, { name: match![1], commit: { sha, commit: { tree: { sha: this.commits.get(sha)!.tree } } } }];
    }
    if (route('GET', /^\/git\/trees\/([0-9a-f]{40})$/)) {
      const files = this.trees.get(match![1]!);
      if (!files) return [404, { message: 'Not Found' }];
      const tree = [...files].map(([path, content]) => ({ path, mode: '100644', type: 'blob', sha: gitBlobSha(content), size: Buffer.byteLength(content) }));
      return [200, { sha: match![1], truncated: false, tree }];
    }
    if (route('GET', /^\/git\/blobs\/([0-9a-f]{40})$/)) {
      const content = this.#blobs.get(match![1]!);
      return content === undefined ? [404, { message: 'Not Found' }] : [200, { sha: match![1], content: Buffer.from(content).toString('base64'), encoding: 'base64' }];
    }
    if (route('GET', /^\/tarball\/(.+)$/)) {
      const commit = this.commits.get(match![1]!) ?? this.commits.get(this.refs.get(match![1]!) ?? '');
      if (!commit) return [404, { message: 'Not Found' }];
      const files = Object.fromEntries(this.trees.get(commit.tree)!);
      return [200, buildTarball(files, `${this.owner}-${this.repo}-${commit.sha.slice(0, 7)}`), { 'content-type': 'application/x-gzip' }];
    }
    if (route('GET', /^\/git\/ref\/heads\/(.+)$/) || route('GET', /^\/git\/refs\/heads\/(.+)$/)) {
      const sha = this.refs.get(match![1]!);
      return sha ? [200, { ref: `refs/heads/${match![1]}`, object: { sha, type: 'commit' } }] : [404, { message: 'Not Found' }];
    }
    if (route('GET', /^\/git\/commits\/([0-9a-f]{40})$/) || route('GET', /^\/commits\/([0-9a-f]{40})$/)) {
      const commit = this.commits.get(match![1]!);
      if (!commit) return [404, { message: 'Not Found' }];
      return [200, { sha: commit.sha, tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })), message: commit.message, commit: { tree: { sha: commit.tree }, message: commit.message } }];
    }
    if (route('POST', /^\/git\/trees$/)) return this.#createTree(body);
    if (route('POST', /^\/git\/commits$/)) {
      if (!this.trees.has(body.tree)) return [422, { message: 'Tree SHA does not exist' }];
      return [201, { sha: this.#storeCommit({ tree: body.tree, parents: body.parents ?? [], message: body.message, author: BOT_LOGIN }) }];
    }
    if (route('POST', /^\/git\/refs$/)) {
      const branch = String(body.ref).replace(/^refs\/heads\//, '');
      if (this.refs.has(branch)) return [422, { message: 'Reference already exists' }];
      this.refs.set(branch, body.sha);
      return [201, { ref: body.ref, object: { sha: body.sha } }];
    }
    if (route('PATCH', /^\/git\/refs\/heads\/(.+)$/)) {
      const branch = match![1]!;
      const current = this.refs.get(branch);
      if (!current) return [422, { message: 'Reference does not exist' }];
      if (!body.force && !this.#history(body.sha).some((commit) => commit.sha === current)) return [422, { message: 'Update is not a fast forward' }];
      this.refs.set(branch, body.sha);
      return [200, { ref: `refs/heads/${branch}`, object: { sha: body.sha } }];
    }
    if (route('POST', /^\/pulls$/)) return this.#createPull(body);
    if (route('GET', /^\/pulls$/)) {
      const head = call.query.head?.replace(`${this.owner}:`, '');
      const state = call.query.state ?? 'open';
      const pulls = this.pullRequests().filter((pull) => (!head || pull.head === head) && (state === 'all' || pull.state === state));
      return [200, pulls.map((pull) => this.#pullJson(pull))];
    }
    if (route('GET', /^\/pulls\/(\d+)$/)) {
      const pull = this.threads.get(Number(match![1]));
      return pull?.kind === 'pull_request' ? [200, this.#pullJson(pull)] : [404, { message: 'Not Found' }];
    }
    if (route('GET', /^\/pulls\/(\d+)\/commits$/)) {
      const pull = this.threads.get(Number(match![1]));
      if (pull?.kind !== 'pull_request') return [404, { message: 'Not Found' }];
      const commits = this.commitsOn(pull.head!).reverse();
      return [200, commits.map((commit) => ({ sha: commit.sha, author: { login: commit.author, type: commit.author === BOT_LOGIN ? 'Bot' : 'User' }, commit: { message: commit.message, author: { name: commit.author } } }))];
    }
    if (route('PATCH', /^\/pulls\/(\d+)$/) || route('PATCH', /^\/issues\/(\d+)$/)) {
      const thread = this.threads.get(Number(match![1]));
      if (!thread) return [404, { message: 'Not Found' }];
      if (typeof body.title === 'string') thread.title = body.title;
      if (typeof body.body === 'string') thread.body = body.body;
      if (body.state === 'open' || body.state === 'closed') thread.state = body.state;
      return [200, thread.kind === 'pull_request' ? this.#pullJson(thread) : this.#issueJson(thread)];
    }
    if (route('POST', /^\/pulls\/(\d+)\/requested_reviewers$/)) {
      const pull = this.threads.get(Number(match![1]));
      if (!pull) return [404, { message: 'Not Found' }];
      pull.reviewers = [...(pull.reviewers ?? []), ...(body.reviewers ?? [])];
      return [201, this.#pullJson(pull)];
    }
    if (route('POST', /^\/issues$/)) {
      const thread = this.#newThread({ kind: 'issue', title: body.title, body: body.body ?? '', labels: body.labels ?? [] });
      return [201, this.#issueJson(thread)];
    }
    if (route('GET', /^\/issues$/)) return [200, this.#listIssues(call.query)];
    if (route('GET', /^\/issues\/(\d+)$/)) {
      const thread = this.threads.get(Number(match![1]));
      return thread ? [200, this.#issueJson(thread)] : [404, { message: 'Not Found' }];
    }
    if (route('POST', /^\/issues\/(\d+)\/labels$/)) {
      const thread = this.threads.get(Number(match![1]));
      if (!thread) return [404, { message: 'Not Found' }];
      for (const label of body.labels ?? []) if (!thread.labels.includes(label)) thread.labels.push(label);
      return [200, thread.labels.map((name) => ({ name }))];
    }
    if (route('DELETE', /^\/issues\/(\d+)\/labels\/(.+)$/)) {
      const thread = this.threads.get(Number(match![1]));
      if (!thread || !thread.labels.includes(match![2]!)) return [404, { message: 'Label does not exist' }];
      thread.labels = thread.labels.filter((label) => label !== match![2]);
      return [200, thread.labels.map((name) => ({ name }))];
    }
    if (route('GET', /^\/issues\/(\d+)\/comments$/)) {
      const thread = this.threads.get(Number(match![1]));
      return thread ? [200, thread.comments] : [404, { message: 'Not Found' }];
    }
    if (route('POST', /^\/issues\/(\d+)\/comments$/)) {
      const thread = this.threads.get(Number(match![1]));
      if (!thread) return [404, { message: 'Not Found' }];
      const comment = { id: this.#nextCommentId++, body: String(body.body), user: { login: BOT_LOGIN, type: 'Bot' } };
      thread.comments.push(comment);
      return [201, comment];
    }
    if (route('PATCH', /^\/issues\/comments\/(\d+)$/)) {
      const comment = this.#comment(Number(match![1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = String(body.body);
      return [200, comment];
    }
    if (route('POST', /^\/(?:issues|pulls)\/comments\/(\d+)\/reactions$/)) {
      this.reactions.push({ commentId: Number(match![1]), content: body.content });
      return [201, { id: this.reactions.length, content: body.content }];
    }
    if (route('GET', /^\/collaborators\/([^/]+)\/permission$/)) {
      const permission = this.#permissions[match![1]!] ?? 'read';
      const write = permission === 'admin' || permission === 'write';
      return [200, { permission, user: { login: match![1], permissions: { admin: permission === 'admin', maintain: false, push: write, triage: write, pull: true } } }];
    }
    return null;
  }

  // ---- state helpers --------------------------------------------------------------------------

  #storeTree(files: Map<string, string>): string {
    const sha = sha1(`tree\0${[...files].sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => `${path}:${gitBlobSha(content)}`).join('\n')}`);
    this.trees.set(sha, files);
    for (const content of files.values()) this.#blobs.set(gitBlobSha(content), content);
    return sha;
  }

  #storeCommit(commit: Omit<Commit, 'sha'>): string {
    const sha = sha1(`commit\0${commit.tree}\0${commit.parents.join(',')}\0${commit.message}\0${this.commits.size}`);
    this.commits.set(sha, { sha, ...commit });
    return sha;
  }

  #createTree(body: any): Reply {
    const base = body.base_tree ? this.trees.get(body.base_tree) : new Map<string, string>();
    if (!base) return [422, { message: 'base_tree does not exist' }];
    const files = new Map(base);
    for (const entry of body.tree ?? []) {
      if (entry.sha === null) files.delete(entry.path);
      else if (typeof entry.content === 'string') files.set(entry.path, entry.content);
      else if (entry.sha && this.#blobs.has(entry.sha)) files.set(entry.path, this.#blobs.get(entry.sha)!);
      else return [422, { message: `tree entry ${entry.path} has no content` }];
    }
    return [201, { sha: this.#storeTree(files), tree: [] }];
  }

  #createPull(body: any): Reply {
    if (!this.refs.has(body.head)) return [422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] }];
    if (this.pullRequests().some((pull) => pull.state === 'open' && pull.head === body.head)) {
      return [422, { message: 'Validation Failed', errors: [{ message: `A pull request already exists for ${this.owner}:${body.head}.` }] }];
    }
    const pull = this.#newThread({ kind: 'pull_request', title: body.title, body: body.body ?? '', labels: [], head: body.head, base: body.base, draft: Boolean(body.draft) });
    return [201, this.#pullJson(pull)];
  }

  #newThread(fields: Pick<FakeThread, 'kind' | 'title' | 'body' | 'labels'> & Partial<FakeThread>): FakeThread {
    this.#clock += 1000;
    const thread: FakeThread = { number: this.#nextNumber++, state: 'open', merged: false, createdAt: new Date(this.#clock).toISOString(), comments: [], ...fields };
    this.threads.set(thread.number, thread);
    return thread;
  }

  #comment(id: number): FakeComment | undefined {
    for (const thread of this.threads.values()) {
      const comment = thread.comments.find((candidate) => candidate.id === id);
      if (comment) return comment;
    }
    return undefined;
  }

  #listIssues(query: Record<string, string>): unknown[] {
    const labels = (query.labels ?? '').split(',').filter(Boolean);
    const state = query.state ?? 'open';
    const perPage = Number(query.per_page ?? 30);
    return [...this.threads.values()]
      .filter((thread) => labels.every((label) => thread.labels.includes(label)) && (state === 'all' || thread.state === state))
      .sort((a, b) => (query.direction === 'asc' ? a.number - b.number : b.number - a.number))
      .slice(0, perPage)
      .map((thread) => this.#issueJson(thread));
  }

  #issueJson(thread: FakeThread): Record<string, unknown> {
    return {
      number: thread.number,
      title: thread.title,
      body: thread.body,
      state: thread.state,
      locked: false,
      labels: thread.labels.map((name) => ({ name })),
      user: { login: BOT_LOGIN, type: 'Bot' },
      html_url: `https://github.com/${this.fullName}/${thread.kind === 'pull_request' ? 'pull' : 'issues'}/${thread.number}`,
      created_at: thread.createdAt,
      ...(thread.kind === 'pull_request' ? { pull_request: { merged_at: thread.mergedAt ?? null } } : {}),
    };
  }

  #pullJson(pull: FakeThread): Record<string, unknown> {
    const repository = { full_name: this.fullName, name: this.repo, owner: { login: this.owner } };
    return {
      ...this.#issueJson(pull),
      draft: pull.draft ?? false,
      merged: pull.merged,
      merged_at: pull.mergedAt ?? null,
      head: { ref: pull.head, sha: this.refs.get(pull.head ?? '') ?? null, repo: repository },
      base: { ref: pull.base, sha: this.refs.get(pull.base ?? '') ?? null, repo: repository },
    };
  }

  #history(sha: string): Commit[] {
    const out: Commit[] = [];
    let current = this.commits.get(sha);
    while (current) {
      out.push(current);
      current = this.commits.get(current.parents[0] ?? '');
    }
    return out;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
