import { describe, expect, it } from 'vitest';
import { applyYamlEdits, YamlEditError } from '../../src/remedy/yaml-edit.js';
import { changedLines, fixture, readBack } from './helpers.js';

type Value = string | number | boolean;
interface Case {
  name: string;
  source: string;
  documentIndex?: number;
  path: (string | number)[];
  value: Value;
  removed: string[];
  added: string[];
  /** What a reader gets back when it differs from `value` (a quoted scalar stays a string). */
  readsBack?: Value;
}

const CONTAINER = ['spec', 'template', 'spec', 'containers', 0];
const CRON_CONTAINER = ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0];

const cases: Case[] = [
  {
    name: 'replaces a plain scalar and keeps the trailing comment on its line',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'resources', 'limits', 'memory'],
    value: '600Mi',
    removed: ['            memory: 300Mi  # raised after incident 42'],
    added: ['            memory: 600Mi  # raised after incident 42'],
  },
  {
    name: 'keeps the double quotes of a replaced image and its comment',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'image'],
    value: 'us-docker.pkg.dev/demo/adservice:v0.10.2',
    removed: ['        image: "us-docker.pkg.dev/demo/adservice:v0.10.1"   # pinned by release tooling'],
    added: ['        image: "us-docker.pkg.dev/demo/adservice:v0.10.2"   # pinned by release tooling'],
  },
  {
    name: 'keeps single quotes of a replaced scalar',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'env', 1, 'value'],
    value: "it's off",
    removed: ["          value: 'on'"],
    added: ["          value: 'it''s off'"],
  },
  {
    name: 'keeps a quoted env value a string when given a number',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'env', 0, 'value'],
    value: 9556,
    removed: ['          value: "9555"'],
    added: ['          value: "9556"'],
    readsBack: '9556',
  },
  {
    name: 'changes a probe port inside indented and flush sequences alike',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'readinessProbe', 'grpc', 'port'],
    value: 9556,
    removed: ['            port: 9555'],
    added: ['            port: 9556'],
  },
  {
    name: 'inserts a missing key with the indentation of its siblings',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'resources', 'limits', 'ephemeral-storage'],
    value: '1Gi',
    removed: [],
    added: ['            ephemeral-storage: 1Gi'],
  },
  {
    name: 'creates missing intermediate keys under a container',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'startupProbe', 'tcpSocket', 'port'],
    value: 9555,
    removed: [],
    added: ['        startupProbe:', '          tcpSocket:', '            port: 9555'],
  },
  {
    name: 'appends an env entry in the flush sequence style the list uses',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'env', 2, 'name'],
    value: 'REDIS_ADDR',
    removed: [],
    added: ['        - name: REDIS_ADDR'],
  },
  {
    name: 'appends to an indented sequence with its own indentation',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'securityContext', 'capabilities', 'drop', 1],
    value: 'NET_RAW',
    removed: [],
    added: ['              - NET_RAW'],
  },
  {
    name: 'edits the second document of a multi-document file only',
    source: fixture('mixed-indentation-deployment.yaml'),
    documentIndex: 1,
    path: ['spec', 'ports', 0, 'targetPort'],
    value: 9556,
    removed: ['    targetPort: 9555'],
    added: ['    targetPort: 9556'],
  },
  {
    name: 'quotes a new value that YAML 1.1 would read as a boolean',
    source: fixture('mixed-indentation-deployment.yaml'),
    path: [...CONTAINER, 'env', 0, 'name'],
    value: 'yes',
    removed: ['        - name: PORT'],
    added: ['        - name: "yes"'],
  },
  {
    name: 'turns an empty flow mapping under a key into a block',
    source: fixture('cronjob-octal.yaml'),
    path: [...CRON_CONTAINER, 'resources', 'limits', 'memory'],
    value: '512Mi',
    removed: ['            resources: {}'],
    added: ['            resources:', '              limits:', '                memory: 512Mi'],
  },
  {
    name: 'leaves 0755 and flow sequences elsewhere untouched when changing the image',
    source: fixture('cronjob-octal.yaml'),
    path: [...CRON_CONTAINER, 'image'],
    value: 'ghcr.io/example/backup:1.4.1',
    removed: ['            image: ghcr.io/example/backup:1.4.0'],
    added: ['            image: ghcr.io/example/backup:1.4.1'],
  },
  {
    name: 'appends to a flow sequence in flow style',
    source: fixture('cronjob-octal.yaml'),
    path: [...CRON_CONTAINER, 'args', 2],
    value: '--retries=3',
    removed: ['            args: ["--target=s3://backups", "--compress"]'],
    added: ['            args: ["--target=s3://backups", "--compress", --retries=3]'],
  },
  {
    name: 'fills a key that has no value (limits:) in a chart values file',
    source: fixture('chart-values.yaml'),
    path: ['resources', 'limits', 'memory'],
    value: '256Mi',
    removed: [],
    added: ['    memory: 256Mi'],
  },
  {
    name: 'writes a value after an empty key and keeps its comment',
    source: fixture('chart-values.yaml'),
    path: ['host'],
    value: '0.0.0.0',
    removed: ['host: #0.0.0.0'],
    added: ['host: 0.0.0.0 #0.0.0.0'],
  },
  {
    name: 'quotes a tag that YAML would read as a number',
    source: fixture('chart-values.yaml'),
    path: ['image', 'tag'],
    value: '6.10',
    removed: ['  tag: 6.5.4'],
    added: ['  tag: "6.10"'],
  },
  {
    name: 'leaves an unquoted on elsewhere alone when editing a sibling',
    source: fixture('chart-values.yaml'),
    path: ['faults', 'delay'],
    value: true,
    removed: ['  delay: false'],
    added: ['  delay: true'],
  },
  {
    name: 'fills a multi-line empty flow mapping by adding to its flow text',
    source: fixture('chart-values.yaml'),
    path: ['podAnnotations', 'prometheus.io/scrape'],
    value: 'true',
    removed: ['  {}'],
    added: ['  prometheus.io/scrape: "true"'],
  },
  {
    name: 'adds a key to a non-empty flow mapping in flow style',
    source: 'resources:\n  requests: {cpu: 100m, memory: 128Mi}\n',
    path: ['resources', 'requests', 'ephemeral-storage'],
    value: '1Gi',
    removed: ['  requests: {cpu: 100m, memory: 128Mi}'],
    added: ['  requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}'],
  },
  {
    name: 'replaces a value inside a flow mapping',
    source: 'resources: { limits: { cpu: 100m, memory: 128Mi } }\n',
    path: ['resources', 'limits', 'memory'],
    value: '256Mi',
    removed: ['resources: { limits: { cpu: 100m, memory: 128Mi } }'],
    added: ['resources: { limits: { cpu: 100m, memory: 256Mi } }'],
  },
  {
    name: 'creates nested keys inside a flow mapping in flow style',
    source: 'resources: {requests: {cpu: 100m}}\n',
    path: ['resources', 'limits', 'memory'],
    value: '256Mi',
    removed: ['resources: {requests: {cpu: 100m}}'],
    added: ['resources: {requests: {cpu: 100m}, limits: {memory: 256Mi}}'],
  },
  {
    name: 'edits a scalar that has an anchor nobody aliases',
    source: fixture('anchors.yaml'),
    path: [...CONTAINER.slice(0, 4), 1, 'resources', 'limits', 'memory'],
    value: '128Mi',
    removed: ['              memory: 64Mi'],
    added: ['              memory: 128Mi'],
  },
  {
    name: 'edits next to an anchored list without touching it',
    source: fixture('anchors.yaml'),
    path: [...CONTAINER, 'resources', 'limits', 'memory'],
    value: '512Mi',
    removed: ['              memory: 256Mi'],
    added: ['              memory: 512Mi'],
  },
  {
    name: 'replaces a literal block scalar with a new one at the same indentation',
    source: 'data:\n  app.conf: |\n    port=80\n    debug=false\nnext: 1\n',
    path: ['data', 'app.conf'],
    value: 'port=8080\ndebug=false\n',
    removed: ['    port=80'],
    added: ['    port=8080'],
  },
  {
    name: 'replaces an explicit null (~) under a key with a block',
    source: 'resources:\n  limits: ~\n  requests:\n    cpu: 1m\n',
    path: ['resources', 'limits', 'memory'],
    value: '64Mi',
    removed: ['  limits: ~'],
    added: ['  limits:', '    memory: 64Mi'],
  },
  {
    name: 'uses the indentation step of a four-space file',
    source: 'spec:\n    template:\n        spec:\n            containers:\n                -   name: a\n                    image: a:1\n',
    path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'],
    value: '1Gi',
    removed: [],
    added: ['                    resources:', '                        limits:', '                            memory: 1Gi'],
  },
  {
    name: 'creates a sequence under a missing key in the file\'s flush style',
    source: 'spec:\n  containers:\n  - name: a\n    image: a:1\n',
    path: ['spec', 'containers', 0, 'env', 0, 'name'],
    value: 'LOG_LEVEL',
    removed: [],
    added: ['    env:', '    - name: LOG_LEVEL'],
  },
  {
    name: 'creates a sequence under a missing key in the file\'s indented style',
    source: 'spec:\n  containers:\n    - name: a\n      image: a:1\n',
    path: ['spec', 'containers', 0, 'env', 0, 'name'],
    value: 'LOG_LEVEL',
    removed: [],
    added: ['      env:', '        - name: LOG_LEVEL'],
  },
];

describe('applyYamlEdits: only the edited lines change', () => {
  it.each(cases)('$name', ({ source, documentIndex = 0, path, value, removed, added, readsBack = value }) => {
    const after = applyYamlEdits(source, [{ documentIndex, path, value }]);
    expect(changedLines(source, after)).toEqual({ removed, added });
    expect(readBack(after, documentIndex, path)).toEqual(readsBack);
    expect(readBack(after, documentIndex, path, '1.1')).toEqual(readsBack);
  });
});

describe('applyYamlEdits: file-level bytes', () => {
  it('keeps CRLF line endings on edited, inserted and untouched lines', () => {
    const source = 'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: a:1\r\n';
    const after = applyYamlEdits(source, [
      { documentIndex: 0, path: ['spec', 'containers', 0, 'image'], value: 'a:2' },
      { documentIndex: 0, path: ['spec', 'containers', 0, 'resources', 'limits', 'memory'], value: '1Gi' },
    ]);
    expect(after).toBe(
      'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: a:2\r\n    resources:\r\n      limits:\r\n        memory: 1Gi\r\n',
    );
  });

  it('keeps a byte-order mark and indents root keys as if it were not there', () => {
    const source = '\uFEFFreplicaCount: 1\nimage:\n  tag: "1.0"\n';
    const after = applyYamlEdits(source, [{ documentIndex: 0, path: ['resources', 'limits', 'memory'], value: '128Mi' }]);
    expect(after).toBe('\uFEFFreplicaCount: 1\nimage:\n  tag: "1.0"\nresources:\n  limits:\n    memory: 128Mi\n');
  });

  it('keeps trailing whitespace, directives and separators outside the edit', () => {
    const source = '%YAML 1.2\n---\na: 1   \nb: 2\t\n...\n---\n# second\nc: 3\n';
    const after = applyYamlEdits(source, [{ documentIndex: 1, path: ['c'], value: 4 }]);
    expect(after).toBe('%YAML 1.2\n---\na: 1   \nb: 2\t\n...\n---\n# second\nc: 4\n');
  });

  it('keeps a missing final newline missing when appending at the end', () => {
    const after = applyYamlEdits('limits:\n  cpu: 1', [{ documentIndex: 0, path: ['limits', 'memory'], value: '1Gi' }]);
    expect(after).toBe('limits:\n  cpu: 1\n  memory: 1Gi');
  });

  it('applies several edits in order, each on the previous result', () => {
    const source = fixture('mixed-indentation-deployment.yaml');
    const after = applyYamlEdits(source, [
      { documentIndex: 0, path: [...CONTAINER, 'resources', 'limits', 'memory'], value: '600Mi' },
      { documentIndex: 0, path: [...CONTAINER, 'resources', 'requests', 'memory'], value: '300Mi' },
    ]);
    expect(changedLines(source, after)).toEqual({
      removed: ['            memory: 180Mi', '            memory: 300Mi  # raised after incident 42'],
      added: ['            memory: 300Mi', '            memory: 600Mi  # raised after incident 42'],
    });
  });

  it('leaves the text identical when the value is already set', () => {
    const source = fixture('chart-values.yaml');
    expect(applyYamlEdits(source, [{ documentIndex: 0, path: ['logLevel'], value: 'info' }])).toBe(source);
  });
});

describe('applyYamlEdits: quoting of new strings', () => {
  it.each(['yes', 'on', 'off', 'no', 'y', 'n', '0755', '1e3', '1.10', '~', 'null', 'true', '2024-01-01', '0x1F', '12', '-', '#tag', 'a: b', '', ' padded', '*ref', '&anchor', '!tag', '@at', '`tick'])(
    'quotes %j so that Kubernetes reads a string',
    (value) => {
      const after = applyYamlEdits('key: old\n', [{ documentIndex: 0, path: ['key'], value }]);
      expect(after).toMatch(/^key: "/);
      expect(readBack(after, 0, ['key'], '1.1')).toBe(value);
      expect(readBack(after, 0, ['key'], '1.2')).toBe(value);
    },
  );

  it.each(['512Mi', '250m', 'nginx:1.25.3', 'ghcr.io/org/app@sha256:abc', 'v1.2.3', 'https://example.com/x?y=1', 'app.kubernetes.io/name'])(
    'writes %j plain', (value) => {
      expect(applyYamlEdits('key: old\n', [{ documentIndex: 0, path: ['key'], value }])).toBe(`key: ${value}\n`);
    },
  );

  it('writes numbers and booleans as YAML numbers and booleans', () => {
    const after = applyYamlEdits('a: x\nb: y\n', [
      { documentIndex: 0, path: ['a'], value: 3 },
      { documentIndex: 0, path: ['b'], value: false },
    ]);
    expect(after).toBe('a: 3\nb: false\n');
  });

  it('quotes strings with flow indicators inside a flow collection', () => {
    const after = applyYamlEdits('args: [a]\n', [{ documentIndex: 0, path: ['args', 1], value: 'x,y' }]);
    expect(after).toBe('args: [a, "x,y"]\n');
  });

  it('escapes quotes and newlines in double-quoted values', () => {
    const after = applyYamlEdits('msg: "old"\n', [{ documentIndex: 0, path: ['msg'], value: 'say "hi"\nbye' }]);
    expect(readBack(after, 0, ['msg'])).toBe('say "hi"\nbye');
    expect(after.split('\n')).toHaveLength(2);
  });
});

describe('applyYamlEdits: refusals', () => {
  const refuse = (source: string, path: (string | number)[], message: RegExp, documentIndex = 0) => {
    let error: unknown;
    try {
      applyYamlEdits(source, [{ documentIndex, path, value: 'x' }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(YamlEditError);
    expect((error as YamlEditError).message).toMatch(message);
    expect((error as YamlEditError).message).toContain(path.join('.'));
  };

  it('refuses to go through an alias', () => {
    refuse(fixture('anchors.yaml'), [...CONTAINER.slice(0, 4), 1, 'env', 0, 'value'], /alias \(\*common-env\)/);
  });

  it('refuses to edit inside an anchored node that aliases reuse', () => {
    refuse(fixture('anchors.yaml'), [...CONTAINER, 'env', 0, 'value'], /anchor &common-env/);
  });

  it('refuses to descend into a scalar', () => {
    refuse(fixture('chart-values.yaml'), ['logLevel', 'level'], /logLevel is a scalar/);
  });

  it('refuses to replace a mapping with a scalar', () => {
    refuse(fixture('chart-values.yaml'), ['image'], /is a mapping, not a scalar/);
  });

  it('refuses an index beyond the end of a sequence', () => {
    refuse(fixture('mixed-indentation-deployment.yaml'), [...CONTAINER, 'env', 5, 'name'], /out of range/);
  });

  it('refuses a string key on a sequence', () => {
    refuse(fixture('mixed-indentation-deployment.yaml'), [...CONTAINER.slice(0, 4), 'server'], /not an index/);
  });

  it('refuses a document that does not exist', () => {
    refuse(fixture('chart-values.yaml'), ['image', 'tag'], /document 3 does not exist/, 3);
  });

  it('refuses to edit a file that does not parse', () => {
    refuse('a: [1, 2\nb: 3\n', ['b'], /does not parse/);
  });

  it('refuses to create a new sequence at an index other than 0', () => {
    refuse('spec: {}\n', ['spec', 'items', 2], /index 2 does not exist/);
  });
});
