import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAME, CONFIG_CHECK_EVENTS, CONFIG_PATH, createConfigCheck } from '../../src/app/config-check.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { API, OWNER, REPO, testProbot } from './github-mock.js';

const openedEvent = () => JSON.parse(readFileSync(new URL('../fixtures/events/pull_request.opened.json', import.meta.url), 'utf8'));
const HEAD_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const BROKEN_CONFIG = `# KubeCure for the shop clusters
clusters: [prod-eu]
threshold: 150
fixes:
  maxMemory: lots
  allowed: [resources, image]
reviewrs: [dana]
`;

function contentOf(text: string) {
  return { type: 'file', name: 'kubecure.yml', path: CONFIG_PATH, encoding: 'base64', content: Buffer.from(text).toString('base64') };
}

async function probotWithCheck(metrics = new AppMetrics()) {
  const probot = testProbot();
  await probot.load((app) => app.on(CONFIG_CHECK_EVENTS, createConfigCheck(metrics)));
  return { probot, metrics };
}

function githubWith(files: Array<Record<string, unknown>>) {
  return nock(API)
    .post('/app/installations/42/access_tokens').reply(201, { token: 't', permissions: {} })
    .get(`/repos/${OWNER}/${REPO}/pulls/12/files`).query({ per_page: 100 })
    .reply(200, files);
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the config check on pull requests', () => {
  it('fails the check and annotates each problem on the line of its key when the pull request breaks .github/kubecure.yml', async () => {
    const { probot, metrics } = await probotWithCheck();
    let check: any;
    const scope = githubWith([{ filename: 'apps/shop/deployment.yaml', status: 'modified' }, { filename: CONFIG_PATH, status: 'modified' }])
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).query({ ref: HEAD_SHA })
      .reply(200, contentOf(BROKEN_CONFIG))
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => ((check = body), true)).reply(201, { id: 1 });

    await probot.receive({ id: 'c1', name: 'pull_request', payload: openedEvent() });

    expect(scope.pendingMocks()).toEqual([]);
    expect(check).toMatchObject({ name: CHECK_NAME, head_sha: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    expect(check.output.title).toBe(`3 problems in ${CONFIG_PATH}`);
    expect(check.output.annotations.map((a: any) => [a.start_line, a.title, a.annotation_level, a.path])).toEqual([
      [3, 'threshold', 'failure', CONFIG_PATH],
      [5, 'fixes.maxMemory', 'failure', CONFIG_PATH],
      [7, 'reviewrs', 'failure', CONFIG_PATH],
    ]);
    expect(check.output.annotations[2].message).toBe('unknown key "reviewrs"');
    expect(check.output.summary).toContain('npx kubecure config validate');
    expect(await metrics.registry.getSingleMetricAsString('kubecure_config_checks_total')).toContain('conclusion="failure"} 1');
  });

  it('passes the check when the changed file is valid', async () => {
    const { probot } = await probotWithCheck();
    let check: any;
    const scope = githubWith([{ filename: CONFIG_PATH, status: 'added' }])
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).query({ ref: HEAD_SHA })
      .reply(200, contentOf('clusters: [prod-eu]\nthreshold: 90\n'))
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => ((check = body), true)).reply(201, { id: 2 });

    await probot.receive({ id: 'c2', name: 'pull_request', payload: openedEvent() });

    expect(scope.pendingMocks()).toEqual([]);
    expect(check).toMatchObject({ conclusion: 'success', output: { title: `${CONFIG_PATH} is valid`, annotations: [] } });
  });

  it('points at the syntax error when the file is not YAML', async () => {
    const { probot } = await probotWithCheck();
    let check: any;
    githubWith([{ filename: CONFIG_PATH, status: 'modified' }])
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).query({ ref: HEAD_SHA })
      .reply(200, contentOf('clusters: [prod-eu]\nlabels: [a, b\n'))
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => ((check = body), true)).reply(201, { id: 3 });

    await probot.receive({ id: 'c3', name: 'pull_request', payload: openedEvent() });

    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations).toHaveLength(1);
    expect(check.output.annotations[0]).toMatchObject({ title: '(file)', start_line: 3 });
  });

  it('says neutrally that removing the file turns KubeCure off for the repository', async () => {
    const { probot } = await probotWithCheck();
    let check: any;
    const scope = githubWith([{ filename: CONFIG_PATH, status: 'removed' }])
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (body) => ((check = body), true)).reply(201, { id: 4 });

    await probot.receive({ id: 'c4', name: 'pull_request', payload: openedEvent() });

    expect(scope.pendingMocks()).toEqual([]);
    expect(check.conclusion).toBe('neutral');
    expect(check.output.summary).toContain('stops acting on reports');
  });

  it('creates no check run for a pull request that leaves the file alone', async () => {
    const { probot } = await probotWithCheck();
    const scope = githubWith([{ filename: 'apps/shop/deployment.yaml', status: 'modified' }]);

    await probot.receive({ id: 'c5', name: 'pull_request', payload: openedEvent() });

    // Only the file listing was requested: a check-runs call would have been an unmatched request.
    expect(scope.pendingMocks()).toEqual([]);
  });

  it('logs and counts, without failing the webhook, an installation that has not granted checks:write', async () => {
    const { probot, metrics } = await probotWithCheck();
    githubWith([{ filename: CONFIG_PATH, status: 'modified' }])
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).query({ ref: HEAD_SHA })
      .reply(200, contentOf('clusters: [prod-eu]\n'))
      .post(`/repos/${OWNER}/${REPO}/check-runs`).reply(403, { message: 'Resource not accessible by integration' });

    await expect(probot.receive({ id: 'c6', name: 'pull_request', payload: openedEvent() })).resolves.toBeUndefined();
    expect(await metrics.registry.getSingleMetricAsString('kubecure_config_checks_total')).toContain('conclusion="forbidden"} 1');
  });
});
