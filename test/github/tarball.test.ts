import { describe, expect, it } from 'vitest';
import { readTarball } from '../../src/github/tarball.js';
import { buildTarball } from './tar-builder.js';

describe('readTarball', () => {
  it('returns the wanted files without the archive\'s top directory, long paths included', async () => {
    const long = `apps/${'very-long-directory-name/'.repeat(5)}deployment.yaml`;
    const archive = buildTarball({ 'apps/a.yaml': 'a: 1\n', 'README.md': '# hi\n', [long]: 'kind: Deployment\n' });

    const files = await readTarball(archive, (path) => path.endsWith('.yaml'));

    expect([...files.entries()]).toEqual([
      ['apps/a.yaml', 'a: 1\n'],
      [long, 'kind: Deployment\n'],
    ]);
  });
});
