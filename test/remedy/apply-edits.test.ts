import { describe, expect, it } from 'vitest';
import { applyEditsToFiles } from '../../src/remedy/apply-edits.js';
import { changedLineCount } from '../../src/remedy/diff.js';
import { YamlEditError } from '../../src/remedy/yaml-edit.js';

const files: Record<string, string> = {
  'base/deployment.yaml': 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n',
  'overlays/prod/values.yaml': 'resources:\n  limits:\n    memory: 256Mi\n',
};
const readFile = async (path: string) => files[path] ?? null;

describe('applyEditsToFiles', () => {
  it('edits each file once, in order, and diffs it', async () => {
    const changes = await applyEditsToFiles(
      [
        { file: 'overlays/prod/values.yaml', documentIndex: 0, path: ['resources', 'limits', 'memory'], value: '512Mi' },
        { file: 'base/deployment.yaml', documentIndex: 0, path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'web:1.1' },
        { file: 'overlays/prod/values.yaml', documentIndex: 0, path: ['resources', 'requests', 'memory'], value: '256Mi' },
      ],
      readFile,
    );
    expect(changes.map((change) => change.file)).toEqual(['overlays/prod/values.yaml', 'base/deployment.yaml']);
    expect(changes[0]?.after).toBe('resources:\n  limits:\n    memory: 512Mi\n  requests:\n    memory: 256Mi\n');
    expect(changes[0]?.diff).toContain('--- a/overlays/prod/values.yaml');
    expect(changedLineCount(changes[1]?.diff ?? '')).toBe(2);
  });

  it('leaves out files the edits did not change', async () => {
    const changes = await applyEditsToFiles([{ file: 'overlays/prod/values.yaml', documentIndex: 0, path: ['resources', 'limits', 'memory'], value: '256Mi' }], readFile);
    expect(changes).toEqual([]);
  });

  it('names a missing file', async () => {
    await expect(applyEditsToFiles([{ file: 'nope.yaml', documentIndex: 0, path: ['a'], value: 1 }], readFile)).rejects.toThrow(YamlEditError);
    await expect(applyEditsToFiles([{ file: 'nope.yaml', documentIndex: 0, path: ['a'], value: 1 }], readFile)).rejects.toThrow(/nope\.yaml does not exist/);
  });
});
