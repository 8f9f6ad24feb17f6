import { describe, expect, it } from 'vitest';
import { removeYamlPath, YamlEditError } from '../../src/remedy/yaml-edit.js';
import { changedLines, fixture, readBack } from './helpers.js';

const CONTAINER = ['spec', 'template', 'spec', 'containers', 0];

describe('removeYamlPath', () => {
  it.each([
    {
      name: 'removes a key and its nested block, nothing else',
      source: fixture('mixed-indentation-deployment.yaml'),
      path: [...CONTAINER, 'livenessProbe'],
      removed: ['        livenessProbe:', '          initialDelaySeconds: 20', '          periodSeconds: 15', '          grpc:', '            port: 9555'],
    },
    {
      name: 'removes one entry of a flush sequence',
      source: fixture('mixed-indentation-deployment.yaml'),
      path: [...CONTAINER, 'env', 1],
      removed: ['        - name: VERBOSE', "          value: 'on'"],
    },
    {
      name: 'removes a key whose line carries a comment',
      source: fixture('mixed-indentation-deployment.yaml'),
      path: [...CONTAINER, 'resources', 'limits', 'memory'],
      removed: ['            memory: 300Mi  # raised after incident 42'],
    },
  ])('$name', ({ source, path, removed }) => {
    const after = removeYamlPath(source, 0, path);
    expect(changedLines(source, after)).toEqual({ removed, added: [] });
    expect(readBack(after, 0, path)).toBeUndefined();
  });

  it('keeps the dash when removing the first key of a sequence item', () => {
    const source = 'env:\n- name: A\n  value: x\n';
    expect(removeYamlPath(source, 0, ['env', 0, 'name'])).toBe('env:\n- value: x\n');
  });

  it('leaves an explicit empty mapping when the last key goes', () => {
    const source = 'resources:\n  limits:\n    memory: 1Gi\n  requests:\n    cpu: 1m\n';
    const after = removeYamlPath(source, 0, ['resources', 'limits', 'memory']);
    expect(after).toBe('resources:\n  limits:\n    {}\n  requests:\n    cpu: 1m\n');
    expect(readBack(after, 0, ['resources', 'limits'])).toEqual({});
  });

  it('leaves an explicit empty sequence when the last item goes', () => {
    const after = removeYamlPath('args:\n  - --debug\nimage: a\n', 0, ['args', 0]);
    expect(after).toBe('args:\n  []\nimage: a\n');
  });

  it('removes entries of flow collections with their commas', () => {
    expect(removeYamlPath('r: {cpu: 1m, memory: 2Mi}\n', 0, ['r', 'cpu'])).toBe('r: {memory: 2Mi}\n');
    expect(removeYamlPath('r: {cpu: 1m, memory: 2Mi}\n', 0, ['r', 'memory'])).toBe('r: {cpu: 1m}\n');
    expect(removeYamlPath('args: [a, b, c]\n', 0, ['args', 1])).toBe('args: [a, c]\n');
  });

  it('keeps a byte-order mark when the first key goes', () => {
    expect(removeYamlPath('\uFEFFapiVersion: v1\nkind: Pod\n', 0, ['apiVersion'])).toBe('\uFEFFkind: Pod\n');
  });

  it('keeps CRLF line endings', () => {
    const after = removeYamlPath('a: 1\r\nb: 2\r\nc: 3\r\n', 0, ['b']);
    expect(after).toBe('a: 1\r\nc: 3\r\n');
  });

  it('refuses to remove what does not exist, or a whole document', () => {
    expect(() => removeYamlPath('a: 1\n', 0, ['b'])).toThrow(/b does not exist/);
    expect(() => removeYamlPath('a: 1\n', 0, [])).toThrow(YamlEditError);
  });

  it('refuses to remove through an alias', () => {
    expect(() => removeYamlPath(fixture('anchors.yaml'), 0, [...CONTAINER.slice(0, 4), 1, 'env', 0])).toThrow(/alias/);
  });
});
