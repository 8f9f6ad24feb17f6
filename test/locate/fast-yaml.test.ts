import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { fastParseDocuments } from '../../src/locate/fast-yaml.js';
import { fixtureRepoPath } from './support.js';

function fullParse(text: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: false }).map((document) => document.toJS());
}

const SAMPLES: Record<string, string> = {
  empty: '',
  'comment only': '# nothing here\n',
  'lone separator': '---\n',
  'trailing separator': 'a: 1\n---\n',
  'comment before first separator': '# header\n---\na: 1\n',
  'two separators': '---\n---\na: 1\n',
  'empty middle document': 'a: 1\n---\n\n---\nb: 2\n',
  'scalar types': 'a: 0755\nb: 1e3\nc: "1.10"\nd: 1.10\ne: yes\nf: ~\ng: True\nh: 0x1F\ni: -12\nj: .inf\nk: on\nl: 12Mi\n',
  'quotes and comments': `a: 'it''s' # c\nb: "say \\"hi\\"\\n" # d\nc: http://x/#frag\nd: value # trailing\n`,
  'non-indented sequences': 'containers:\n- name: a\n  image: x\n- name: b\n  args:\n  - --v=1\n  - "--port=80"\n',
  'indented sequences': 'containers:\n  - name: a\n    ports:\n      - containerPort: 80\n        name: http\n',
  'flow collections': 'resources: {limits: {memory: 128Mi, cpu: "1"}, requests: {}}\nargs: ["--a=1", \'--b\', 3]\nempty: []\n',
  'literal blocks': 'script: |\n  echo one\n\n  echo two\nkeep: |+\n  x\n\nstrip: |-\n  y\nnext: 1\n',
  'nested sequence item': 'matrix:\n- - a\n  - b\n- - c\n',
  'null values and empty items': 'a:\nb: # comment\nc:\n-\n- x\n',
  'keys with dots and slashes': 'metadata:\n  annotations:\n    app.kubernetes.io/name: web\n    "quoted key": 1\n',
};

describe('fastParseDocuments', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`reads "${name}" exactly as the full YAML parser does`, () => {
      const fast = fastParseDocuments(text);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(fullParse(text));
    });
  }

  it.each([
    ['anchors', 'base: &b\n  a: 1\nother: *b\n'],
    ['tags', 'a: !!str 1\n'],
    ['folded blocks', 'a: >\n  folded\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['broken indentation', 'a:\n  b: 1\n   c: 2\n'],
    ['unclosed flow', 'a: {b: 1\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['prototype keys', '__proto__:\n  polluted: true\n'],
  ])('leaves %s to the full parser', (_, text) => {
    expect(fastParseDocuments(text)).toBeNull();
  });

  it('agrees with the full parser on every YAML file of the fixture repos it accepts', async () => {
    let accepted = 0;
    for (const repoName of ['plain-multi-service', 'kustomize-overlays', 'helm-chart', 'flux-helmreleases', 'argocd-apps']) {
      const root = fixtureRepoPath(repoName);
      for (const file of await new LocalRepoView(root).listFiles()) {
        if (!/\.ya?ml$/.test(file) || file.includes('/templates/')) continue;
        const text = await readFile(join(root, file), 'utf8');
        const fast = fastParseDocuments(text);
        const documents = parseAllDocuments(text, { uniqueKeys: false });
        if (documents.some((document) => document.errors.length > 0)) {
          expect(fast, file).toBeNull();
          continue;
        }
        if (fast === null) continue;
        accepted += 1;
        expect(fast, file).toEqual(fullParse(text));
      }
    }
    expect(accepted).toBeGreaterThan(40);
  });
});
