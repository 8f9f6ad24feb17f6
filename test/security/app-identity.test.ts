/**
 * Threads and sticky comments are KubeCure's only when its own bot account wrote them: once the App
 * knows its login (GET /app at start), another GitHub App installed on the repository cannot imitate
 * a sticky comment or a thread, whatever markers it copies.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetAppIdentity, isOwnBot, knownAppLogin, learnAppIdentity } from '../../src/github/app-identity.js';
import type { GitHub } from '../../src/github/octokit.js';
import { stickyMarker, upsertStickyComment } from '../../src/github/sticky.js';
import { isKubeCurePullRequest } from '../../src/github/threads.js';
import { API, INSTALLATION, OWNER, REPO, testProbot } from '../app/github-mock.js';

const OWN = { login: 'kubecure-acme[bot]', type: 'Bot' };
const OTHER_APP = { login: 'helpful-bot[bot]', type: 'Bot' };
const HUMAN = { login: 'mallory', type: 'User' };

function pullBy(user: { login: string; type: string }) {
  const repo = { full_name: `${OWNER}/${REPO}` };
  return { user, head: { ref: 'kubecure/shop/checkout-oomkilled-1a2b3c4d', repo }, base: { repo }, body: '<!-- kubecure:fingerprint 4e085b5464d99984 -->' };
}

async function learnFromGitHub(): Promise<void> {
  const probot = testProbot();
  nock(API).get('/app').reply(200, { id: 123, slug: 'kubecure-acme', name: 'KubeCure (acme)' });
  await learnAppIdentity(async () => (await (await probot.auth()).rest.apps.getAuthenticated()).data?.slug, (error) => {
    throw error;
  });
}

beforeEach(() => {
  nock.disableNetConnect();
  forgetAppIdentity();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  forgetAppIdentity();
});

describe('the App\'s own login', () => {
  it('is read from GET /app with the App\'s credentials', async () => {
    await learnFromGitHub();
    expect(knownAppLogin()).toBe('kubecure-acme[bot]');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('once known, tells KubeCure\'s bot from another App\'s bot and from humans', async () => {
    // Before GitHub has answered: any App's bot, never a human.
    expect([isOwnBot(OWN), isOwnBot(OTHER_APP), isOwnBot(HUMAN)]).toEqual([true, true, false]);
    await learnFromGitHub();
    expect([isOwnBot(OWN), isOwnBot(OTHER_APP), isOwnBot(HUMAN), isOwnBot({ login: 'kubecure-acme[bot]', type: 'User' })]).toEqual([true, false, false, true]);
    expect(isKubeCurePullRequest(pullBy(OWN))).toBe(true);
    expect(isKubeCurePullRequest(pullBy(OTHER_APP))).toBe(false);
  });

  it('leaves another App\'s comment carrying the sticky marker alone and writes its own', async () => {
    await learnFromGitHub();
    const probot = testProbot();
    let created: any;
    const scope = nock(API)
      .post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, { token: 't', permissions: {} })
      .get(`/repos/${OWNER}/${REPO}/issues/7/comments`).query(true)
      .reply(200, [{ id: 900, body: `Imitation\n\n${stickyMarker('recurrence')}`, user: OTHER_APP }])
      .post(`/repos/${OWNER}/${REPO}/issues/7/comments`, (body) => ((created = body), true)).reply(201, { id: 901 });
    const octokit = (await probot.auth(INSTALLATION)) as unknown as GitHub;

    const result = await upsertStickyComment(octokit, { owner: OWNER, repo: REPO }, 7, 'recurrence', () => 'KubeCure has seen it **2** times');

    // No PATCH of comment 900 was mocked: editing it would have failed the request.
    expect(scope.pendingMocks()).toEqual([]);
    expect(result).toEqual({ id: 901, created: true });
    expect(created.body).toContain(stickyMarker('recurrence'));
  });

  it('falls back to any App\'s bot, and says why, when GitHub cannot tell', async () => {
    const warnings: unknown[] = [];
    await learnAppIdentity(async () => {
      throw new Error('GET /app answered 500');
    }, (error) => warnings.push(error));
    expect(knownAppLogin()).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(isOwnBot(OTHER_APP)).toBe(true);
  });
});
