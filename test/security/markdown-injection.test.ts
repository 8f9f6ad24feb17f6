/**
 * Markdown and mention injection: log lines, event messages, names from the cluster and the
 * model's prose are untrusted. Each attack goes through the real pipeline (report processor with
 * GitHub mocked at the HTTP boundary, the command handler with the model mocked the same way) and
 * the request bodies sent to GitHub are checked as GitHub would render them.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { decodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { renderThread } from '../../src/github/render/index.js';
import { code, fence, text, title } from '../../src/github/render/untrusted.js';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import type { RepoView } from '../../src/locate/types.js';
import type { Remediation } from '../../src/outcome.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot } from '../app/github-mock.js';
import { BRANCH, MANIFEST, commentPayload, loadCommands, token } from '../commands/helpers.js';
import { expectInert, outsideCode } from './inert-markdown.js';

const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const LLM = 'https://llm.internal.example:8443';

/** One of each: mentions, references, images, links, autolinks, raw HTML, a hiding comment, a fence breakout. */
const HOSTILE_LINES = [
  'cc @acme/security-team and @octocat please approve',
  'see #1 and acme/gitops#2 and GH-3',
  '![pixel](https://evil.example/track.png)',
  '[click to verify](https://evil.example/login)',
  'visit https://evil.example or www.evil.example',
  '<img src=x onerror=alert(1)> <a href="https://evil.example">docs</a> <script>steal()</script>',
  '<!-- everything below is hidden from the reviewer',
  '```',
  '@acme/admins outside the fence?',
  '````',
  '| forged | table | row |',
  '# Approved by security',
  '/kubecure ignore',
];
const HOSTILE = HOSTILE_LINES.join('\n');

function hostileReport() {
  const report = oomReport({
    logs: { previous: `{"level":"info","msg":"warming product cache"}\n${HOSTILE}\n`, truncated: false },
  });
  report.failure.message = HOSTILE;
  report.events = [
    { type: 'Warning', reason: 'BackOff @acme/oncall', message: `Back-off ${HOSTILE_LINES.join(' ')}`, count: 3, involvedObject: { kind: 'Pod', name: 'checkout-7d9f8c6b5-x2x9q <!--', namespace: 'shop' } },
  ];
  return report;
}

function memoryView(files: Record<string, string>): RepoView {
  return { id: 'memory', listFiles: async () => Object.keys(files), readFile: async (path) => files[path] ?? null };
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the escaping module', () => {
  it('puts quoted text in code spans and fences longer than any backtick run inside', () => {
    expect(code('a `b` c').text).toBe('``a `b` c``');
    expect(code('`edge`').text).toBe('`` `edge` ``');
    expect(fence('x\n````\ny').text).toBe('`````\nx\n````\ny\n`````');
    expect(code('line one\nline two').text).toBe('`line one line two`');
  });

  it('neutralizes mentions, references, links, images, HTML and comments in prose', () => {
    const escaped = text(HOSTILE).text;
    expectInert(escaped);
    // It still reads the same: the words are there.
    expect(escaped).toContain('security-team');
    expect(escaped).toContain('evil.example');
  });

  it('makes titles plain, single-line, bounded and free of references', () => {
    const hostile = title(`Raise memory to 512Mi\n# @acme/admins see #12 \`code\` ${'x'.repeat(400)}`);
    expect(hostile).not.toMatch(/[\r\n`]/);
    expect(hostile).not.toMatch(/@[a-z]|#\d/);
    expect(hostile.length).toBeLessThanOrEqual(200);
  });
});

describe('a hostile report through the report processor', () => {
  it('opens a pull request whose body quotes the hostile text inertly and keeps the diff and validation visible', async () => {
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([]).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
    const bodies: Record<string, any> = {};
    github.scope
      .post(`${REPO_PATH}/git/trees`).reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`, (body) => ((bodies.commit = body), true)).reply(201, { sha: 'newcommit' })
      .post(`${REPO_PATH}/git/refs`).reply(201, { ref: `refs/heads/${BRANCH}` })
      .post(`${REPO_PATH}/pulls`, (body) => ((bodies.pull = body), true)).reply(201, { number: 7, html_url: `https://github.com/${OWNER}/${REPO}/pull/7` })
      .post(`${REPO_PATH}/issues/7/labels`).reply(200, [])
      .post(`${REPO_PATH}/pulls/7/requested_reviewers`).reply(201, {});
    const probot = testProbot();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
      metrics: new AppMetrics(),
      logger: silentLogger,
      remediate,
      now: () => new Date('2026-11-22T00:10:00Z'),
    });

    const result = await processor.process({ report: hostileReport(), deliveryId: 'd-hostile' }, { id: 'job-1', attempt: 1 });

    expect(result).toMatchObject({ outcome: 'pull_request', number: 7 });
    expect(github.scope.pendingMocks()).toEqual([]);
    const body: string = bodies.pull.body;
    expectInert(body);
    expectInert(bodies.pull.title);
    // The diff and the validation table are outside any comment or code: a reviewer sees them.
    const prose = outsideCode(body);
    for (const section of ['### The change', '### Validation', '**Confidence:**', '<summary>Commands']) expect(prose).toContain(section);
    expect(body).toContain('+              memory: 512Mi');
    // No line outside code starts a command, whatever the logs said (in code, CommonMark makes it text).
    expect(prose.split('\n').filter((line) => line.startsWith('/kubecure'))).toEqual([]);
    // The marker is still the real one.
    expect(decodeMarker(body)?.fingerprint).toBe(fingerprintOf(hostileReport()));
  });
});

describe('the model\'s prose', () => {
  it('is escaped in every section of an issue: summary, root cause, rationale, question, alternatives, risks, reasons and title', async () => {
    const base = await remediate(hostileReport(), memoryView({ [MANIFEST]: CHECKOUT_MANIFEST }));
    const hostile: Remediation = {
      ...base,
      outcome: { ...base.outcome, summary: `@acme/admins ${HOSTILE_LINES[2]}`, rootCause: HOSTILE, decision: 'issue' },
      diagnosis: {
        ...base.diagnosis,
        rationale: HOSTILE,
        question: `Approve? ${HOSTILE_LINES[3]}`,
        alternatives: [HOSTILE_LINES[5]!, HOSTILE_LINES[6]!],
        risks: [HOSTILE],
        changes: base.diagnosis.changes.map((change) => ({ ...change, value: `512Mi\n# @acme/admins [x](https://evil.example)` })),
      },
      reasons: [`the model said ${HOSTILE_LINES[0]}`],
      notes: [HOSTILE],
    };
    for (const kind of ['issue', 'pull_request'] as const) {
      const rendered = renderThread(hostile, { kind });
      expectInert(rendered.body);
      expectInert(rendered.title);
      expect(rendered.title).not.toContain('\n');
    }
  });

  it('is escaped in the /kubecure explain reply sent to GitHub', async () => {
    const model = createModelFromEnv({ OPENAI_BASE_URL: `${LLM}/v1`, OPENAI_API_KEY: 'test-key' });
    const llm = nock(LLM)
      .post('/v1/chat/completions')
      .reply(200, {
        id: 'chatcmpl-hostile',
        object: 'chat.completion',
        model: 'gpt-4.1-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ explanation: HOSTILE }), refusal: null }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1800, completion_tokens: 60, total_tokens: 1860 },
      });
    const github = new GitHubMock();
    token(github);
    let reply = '';
    github.scope
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'eyes')
      .reply(201, {})
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, { number: 7, head: { ref: BRANCH, repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } } });
    github.config(configFixture('opted-in.yml')).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
    github.scope
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((reply = body.body), true))
      .reply(201, {})
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'rocket')
      .reply(201, {});

    await loadCommands({ model }).receive({ id: 'd-explain', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain' }) });

    expect(llm.pendingMocks()).toEqual([]);
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(reply).toContain('security-team');
    expectInert(reply);
    expect(outsideCode(reply).split('\n').filter((line) => line.startsWith('/kubecure'))).toEqual([]);
  });
});
