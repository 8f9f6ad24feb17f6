import { afterEach, describe, expect, it } from 'vitest';
import { crashLooping, makePod, warningEvent } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

/** Values that must never leave the cluster, planted where real secrets end up. */
const CANARIES = {
  envPassword: 'canary-env-password-7f3a9',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ',
  githubToken: 'ghp_' + 'C4n4ryT0k3nC4n4ryT0k3nC4n4ryT0k3nAB12',
  urlPassword: 'canary-url-pass-42',
};

describe('redaction at source', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('sends no secret from the spec, the logs or the events, in any byte of the request', async () => {
    const name = 'pay-9f8e7-q1';
    harness = await startHarness({
      seed: (api) =>
        api.setLogs('default', name, 'app', {
          previous: [
            'booting payments',
            `connecting to postgres://pay:${CANARIES.urlPassword}@db.default.svc:5432/pay`,
            `using DB_PASSWORD=${CANARIES.envPassword}`,
            `Authorization: Bearer ${CANARIES.bearer}`,
            `github token ${CANARIES.githubToken} rejected`,
            'fatal: authentication failed',
          ].join('\n'),
          current: `retrying with ${CANARIES.envPassword}`,
        }),
    });
    const { api, sink } = harness;
    const pod = makePod({
      name,
      deployment: 'pay',
      templateHash: '9f8e7',
      env: [
        { name: 'DB_PASSWORD', value: CANARIES.envPassword },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
    });
    api.addEvent(warningEvent({ reason: 'BackOff', name, message: `Back-off restarting failed container; last error: token ${CANARIES.githubToken}` }));
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1, message: `panic: login with ${CANARIES.envPassword} failed` }));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    const sent = sink.requests.map((request) => request.body).join('\n');
    for (const canary of Object.values(CANARIES)) expect(sent).not.toContain(canary);
    // Redacted, not removed: the diagnosis still sees the shape of what happened.
    expect(report.logs.previous).toContain('fatal: authentication failed');
    expect(report.logs.previous).toContain('[REDACTED]');
    const env = (report.pod.spec as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]?.env;
    expect(env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(env?.find((variable) => variable.name === 'DB_PASSWORD')?.value).not.toBe(CANARIES.envPassword);
  });
});
