/**
 * Walking a parsed YAML document along a path to the place an edit lands: an existing node, a
 * key or sequence item that does not exist yet, or a key whose value is empty (`limits:`, `{}`).
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

export type PathSegment = string | number;

export class YamlEditError extends Error {
  constructor(
    readonly path: PathSegment[],
    readonly reason: string,
  ) {
    super(`cannot edit ${formatPath(path)}: ${reason}`);
    this.name = 'YamlEditError';
  }
}

export function formatPath(path: PathSegment[]): string {
  return path.length === 0 ? '(document root)' : path.map(String).join('.');
}

export type EditTarget =
  /** The node at the full path exists. */
  | { kind: 'existing'; node: unknown; pair: Pair | null; inFlow: boolean }
  /** `map` exists but lacks the key `rest[0]`. */
  | { kind: 'missing-key'; map: YAMLMap; rest: PathSegment[]; inFlow: boolean }
  /** `seq` exists and `rest[0]` is its length: the item is appended. */
  | { kind: 'missing-item'; seq: YAMLSeq; rest: PathSegment[]; inFlow: boolean }
  /** `pair` has an empty value (null, or `{}`/`[]` in block context) and `rest` must be created under it. */
  | { kind: 'empty-value'; pair: Pair; value: Scalar | YAMLMap | YAMLSeq | null; rest: PathSegment[] };

/** Anchors that some alias refers to: editing under them would silently change the alias users too. */
function referencedAnchors(document: Document): Set<string> {
  const anchors = new Set<string>();
  visit(document, {
    Alias(_, alias) {
      anchors.add(alias.source);
    },
  });
  return anchors;
}

function anchorOf(node: unknown): string | undefined {
  return (node as { anchor?: string } | null)?.anchor;
}

function isEmptyFlowCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return (isMap(node) || isSeq(node)) && node.flow === true && node.items.length === 0;
}

/** Segments created below an existing node may index a new sequence only at 0. */
function assertCreatable(path: PathSegment[], rest: PathSegment[]): void {
  rest.slice(1).forEach((segment, offset) => {
    if (typeof segment === 'number' && segment !== 0) {
      const at = path.length - rest.length + 1 + offset;
      throw new YamlEditError(path.slice(0, at + 1), `index ${segment} does not exist (a new sequence starts at 0)`);
    }
  });
}

export function locate(document: Document, path: PathSegment[]): EditTarget {
  const aliased = referencedAnchors(document);
  let current: unknown = document.contents;
  let owner: Pair | null = null;
  let inFlow = false;

  for (let index = 0; index <= path.length; index += 1) {
    const here = path.slice(0, index);
    if (isAlias(current)) {
      throw new YamlEditError(path, `${formatPath(here)} is an alias (*${current.source}); edit the anchored node instead`);
    }
    const anchor = anchorOf(current);
    if (anchor !== undefined && aliased.has(anchor)) {
      throw new YamlEditError(path, `${formatPath(here)} carries anchor &${anchor}, which aliases reuse; an edit would change them too`);
    }
    if (index === path.length) return { kind: 'existing', node: current, pair: owner, inFlow };

    const segment = path[index] as PathSegment;
    const rest = path.slice(index);
    if (current === null || current === undefined) {
      if (owner) {
        assertCreatable(path, [index, ...rest]);
        return { kind: 'empty-value', pair: owner, value: null, rest };
      }
      throw new YamlEditError(path, 'the document is empty');
    }
    if (isScalar(current)) {
      if (current.value === null && owner) {
        assertCreatable(path, [index, ...rest]);
        return { kind: 'empty-value', pair: owner, value: current, rest };
      }
      throw new YamlEditError(path, `${formatPath(here)} is a scalar (${String(current.value)}), not a mapping or sequence`);
    }
    if (isEmptyFlowCollection(current) && owner && !inFlow && isMap(current) === (typeof segment === 'string')) {
      assertCreatable(path, [index, ...rest]);
      if (isSeq(current) && segment !== 0) throw new YamlEditError(path, `index ${segment} does not exist (the sequence is empty)`);
      return { kind: 'empty-value', pair: owner, value: current, rest };
    }
    if (isMap(current)) {
      inFlow ||= current.flow === true;
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) {
        assertCreatable(path, rest);
        return { kind: 'missing-key', map: current, rest, inFlow };
      }
      owner = pair;
      current = pair.value;
      continue;
    }
    if (isSeq(current)) {
      inFlow ||= current.flow === true;
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0) {
        throw new YamlEditError(path, `${formatPath(here)} is a sequence; "${segment}" is not an index`);
      }
      if (segment === current.items.length) {
        assertCreatable(path, rest);
        return { kind: 'missing-item', seq: current, rest, inFlow };
      }
      if (segment > current.items.length) {
        throw new YamlEditError(path, `index ${segment} is out of range (${formatPath(here)} has ${current.items.length} items)`);
      }
      owner = null;
      current = current.items[segment];
      continue;
    }
    throw new YamlEditError(path, `${formatPath(here)} is not a mapping or sequence`);
  }
  throw new YamlEditError(path, 'unreachable');
}
