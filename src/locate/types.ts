/**
 * Contracts of the locate stage: a read-only view of a GitOps repository, its manifest index and
 * the answer to "which file, and which layer of it, declares this workload's field?".
 */
import type { FieldChange } from '../diagnose/types.js';

/** A read-only view of a repository: a local folder, or a GitHub tree at one commit. */
export interface RepoView {
  /** Stable identity of the content (tree SHA, folder path + mtime…); caches key on it. */
  readonly id: string;
  /** Every file path in the repository, POSIX separators, relative to its root. */
  listFiles(): Promise<string[]>;
  /** The file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
}

/** One YAML document of one file that parsed to a Kubernetes-shaped object (has kind). */
export interface ManifestDocument {
  file: string;
  /** Position of the document in a multi-document file (0-based). */
  documentIndex: number;
  /** For `kind: List` files: the item's index inside `items`, else undefined. */
  listItemIndex?: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | null;
  object: Record<string, unknown>;
}

export interface RepoIndex {
  repo: RepoView;
  files: string[];
  documents: ManifestDocument[];
  /** Files that could not be parsed and were skipped (they are never rewritten). */
  warnings: string[];
  /** Reads through a cache so every stage sees the same text. */
  readFile(path: string): Promise<string | null>;
}

export type SourceForm = 'plain' | 'kustomize' | 'helm' | 'flux-helmrelease';

/** A place in one YAML document whose scalar must change. */
export interface YamlEdit {
  file: string;
  documentIndex: number;
  /** Path from the document root; numbers index sequences. Missing maps along it are created. */
  path: (string | number)[];
  value: string | number | boolean;
}

export type Resolution = { ok: true; edits: YamlEdit[]; note?: string } | { ok: false; reason: string };

/** Where a workload is declared, and how to turn a change of its pod template into file edits. */
export interface SourceLocation {
  form: SourceForm;
  /** The file a reviewer should look at first (the manifest, the overlay, the values file). */
  file: string;
  documentIndex: number;
  kind: string;
  /** The instance's name and namespace as rendered (prefixes, suffixes, overlay namespace applied). */
  name: string;
  namespace: string | null;
  /** The environment that renders this instance, as `renderEnvironments` names it. */
  environment?: string;
  /**
   * The workload as the repository declares it, with overlays/patches/values applied as far as
   * they can be without running kustomize or helm. Null when it cannot be reconstructed.
   */
  workload: Record<string, unknown> | null;
  /** Human-readable steps that led here ("argocd tracking-id → apps/checkout", "overlay prod sets namePrefix prod-"). */
  via: string[];
  /** Maps a change of the rendered pod template to the edits of the layer that sets that field. */
  resolve(change: FieldChange): Resolution;
}

export type LocateResult =
  | {
      found: SourceLocation;
      alternatives: SourceLocation[];
      /** Files of other sources that rank exactly as well as `found`: the choice is a guess. */
      ambiguousWith?: string[];
    }
  | { found: null; reason: string; candidates: string[] };
