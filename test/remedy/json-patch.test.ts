import { describe, expect, it } from 'vitest';
import { applyJsonPatchToText, jsonPatchToEdits, type Operation } from '../../src/remedy/json-patch.js';
import { YamlEditError } from '../../src/remedy/yaml-edit.js';
import { changedLines, fixture, readBack } from './helpers.js';

const C = '/spec/template/spec/containers/0';
const CONTAINER = ['spec', 'template', 'spec', 'containers', 0];
const deployment = fixture('mixed-indentation-deployment.yaml');

describe('applyJsonPatchToText', () => {
  it('replaces a scalar and touches only its line', () => {
    const after = applyJsonPatchToText(deployment, 0, [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '512Mi' }]);
    expect(changedLines(deployment, after)).toEqual({
      removed: ['            memory: 300Mi  # raised after incident 42'],
      added: ['            memory: 512Mi  # raised after incident 42'],
    });
  });

  it('appends an object to a sequence with /-', () => {
    const after = applyJsonPatchToText(deployment, 0, [
      { op: 'add', path: `${C}/env/-`, value: { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } } },
    ]);
    expect(changedLines(deployment, after)).toEqual({
      removed: [],
      added: ['        - name: DB_PASSWORD', '          valueFrom:', '            secretKeyRef:', '              name: db', '              key: password'],
    });
    expect(readBack(after, 0, [...CONTAINER, 'env', 2])).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } });
  });

  it('adds an object value under a new key', () => {
    const after = applyJsonPatchToText(deployment, 0, [
      { op: 'add', path: `${C}/startupProbe`, value: { grpc: { port: 9555 }, failureThreshold: 30 } },
    ]);
    expect(changedLines(deployment, after).added).toEqual(['        startupProbe:', '          grpc:', '            port: 9555', '          failureThreshold: 30']);
    expect(changedLines(deployment, after).removed).toEqual([]);
  });

  it('replaces an object value by changing only the leaves that differ', () => {
    const after = applyJsonPatchToText(deployment, 0, [
      { op: 'replace', path: `${C}/resources/limits`, value: { cpu: '300m', memory: '600Mi' } },
    ]);
    expect(changedLines(deployment, after)).toEqual({
      removed: ['            memory: 300Mi  # raised after incident 42'],
      added: ['            memory: 600Mi  # raised after incident 42'],
    });
  });

  it('removes a key', () => {
    const after = applyJsonPatchToText(deployment, 0, [{ op: 'remove', path: `${C}/resources/limits/cpu` }]);
    expect(changedLines(deployment, after)).toEqual({ removed: ['            cpu: 300m'], added: [] });
  });

  it('applies the edits only when every test operation holds', () => {
    const ops: Operation[] = [
      { op: 'test', path: `${C}/name`, value: 'server' },
      { op: 'replace', path: `${C}/image`, value: 'us-docker.pkg.dev/demo/adservice:v0.10.2' },
    ];
    expect(readBack(applyJsonPatchToText(deployment, 0, ops), 0, [...CONTAINER, 'image'])).toBe('us-docker.pkg.dev/demo/adservice:v0.10.2');
    const failing: Operation[] = [{ op: 'test', path: `${C}/name`, value: 'other' }, ops[1] as Operation];
    expect(() => applyJsonPatchToText(deployment, 0, failing)).toThrow(/operation 0 \(test .*\/name\) does not apply/);
  });

  it('edits the targeted document of a multi-document file', () => {
    const after = applyJsonPatchToText(deployment, 1, [{ op: 'replace', path: '/spec/ports/0/targetPort', value: 9556 }]);
    expect(changedLines(deployment, after)).toEqual({ removed: ['    targetPort: 9555'], added: ['    targetPort: 9556'] });
  });

  it('decodes escaped pointer tokens (~1 for /)', () => {
    const source = 'metadata:\n  annotations:\n    app.kubernetes.io/part-of: shop\n';
    const after = applyJsonPatchToText(source, 0, [{ op: 'replace', path: '/metadata/annotations/app.kubernetes.io~1part-of', value: 'store' }]);
    expect(after).toBe('metadata:\n  annotations:\n    app.kubernetes.io/part-of: store\n');
  });

  it('fills a null-valued key when adding under it', () => {
    const source = fixture('chart-values.yaml');
    const after = applyJsonPatchToText(source, 0, [{ op: 'add', path: '/resources/limits', value: { memory: '128Mi' } }]);
    expect(changedLines(source, after)).toEqual({ removed: [], added: ['    memory: 128Mi'] });
  });

  it('supports move and copy through the same leaf edits', () => {
    const source = 'a:\n  x: 1\nb: {}\n';
    const after = applyJsonPatchToText(source, 0, [{ op: 'copy', from: '/a/x', path: '/b/x' }, { op: 'move', from: '/a/x', path: '/a/y' }]);
    expect(readBack(after, 0, [])).toEqual({ a: { y: 1 }, b: { x: 1 } });
  });

  it('throws a YamlEditError naming the operation for a path that does not exist', () => {
    expect(() => applyJsonPatchToText(deployment, 0, [{ op: 'replace', path: `${C}/nope/deeper`, value: 1 }])).toThrow(YamlEditError);
    expect(() => applyJsonPatchToText(deployment, 0, [{ op: 'replace', path: `${C}/nope/deeper`, value: 1 }])).toThrow(/operation 0 \(replace/);
  });

  it('refuses a patch that would have to write through an alias', () => {
    const source = fixture('anchors.yaml');
    expect(() => applyJsonPatchToText(source, 0, [{ op: 'replace', path: '/spec/template/spec/containers/1/env/0/value', value: 'x' }])).toThrow(/alias|anchor/);
  });
});

describe('jsonPatchToEdits', () => {
  it('turns each operation into leaf edits with numeric sequence indices', () => {
    const document = { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } };
    const { edits, error } = jsonPatchToEdits(document, [
      { op: 'add', path: '/spec/containers/0/env/-', value: { name: 'Y', value: '2' } },
      { op: 'remove', path: '/spec/containers/0/env/0' },
    ]);
    expect(error).toBeUndefined();
    expect(edits).toEqual([
      { path: ['spec', 'containers', 0, 'env', 1, 'name'], value: 'Y' },
      { path: ['spec', 'containers', 0, 'env', 1, 'value'], value: '2' },
      { path: ['spec', 'containers', 0, 'env', 0], remove: true },
    ]);
  });

  it('removes a scalar before writing a mapping in its place', () => {
    const { edits } = jsonPatchToEdits({ limits: 'none' }, [{ op: 'replace', path: '/limits', value: { memory: '1Gi' } }]);
    expect(edits).toEqual([{ path: ['limits'], remove: true }, { path: ['limits', 'memory'], value: '1Gi' }]);
  });

  it('reports a malformed operation without edits', () => {
    const result = jsonPatchToEdits({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]);
    expect(result.edits).toEqual([]);
    expect(result.error).toMatch(/operation 0 \(replace \/b\) does not apply/);
  });
});

describe('applyJsonPatchToText: empty collections', () => {
  it('writes an explicit empty mapping over an empty key', () => {
    const after = applyJsonPatchToText('resources:\n  limits:\n  requests: ~\n', 0, [
      { op: 'add', path: '/resources/limits', value: {} },
      { op: 'replace', path: '/resources/requests', value: [] },
    ]);
    expect(after).toBe('resources:\n  limits: {}\n  requests: []\n');
  });

  it('adds a new key holding an empty mapping', () => {
    expect(applyJsonPatchToText('a: 1\n', 0, [{ op: 'add', path: '/b', value: {} }])).toBe('a: 1\nb: {}\n');
  });
});
