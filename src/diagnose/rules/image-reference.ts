/** Container image references: `registry/path/name:tag@digest`, split into comparable parts. */

export interface ImageReference {
  /** Everything before the tag/digest, as written (`ghcr.io/acme/checkout`). */
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash separates the tag; one before it belongs to a registry port.
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, tag: null, digest };
}

/** The repository with Docker Hub's implicit parts removed, so `nginx` equals `docker.io/library/nginx`. */
export function canonicalRepository(repository: string): string {
  return repository
    .trim()
    .toLowerCase()
    .replace(/^(?:index\.)?docker\.io\//, '')
    .replace(/^library\//, '');
}

export function formatImage(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}

/** `1.4.2`, `v2.0.0-rc.1`, `2024.05.1`: tags that name a release rather than a branch or a build. */
export function looksLikeRelease(tag: string): boolean {
  return /^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?$/.test(tag);
}

/** Tags that move and so can never be the answer. */
export function isFloatingTag(tag: string): boolean {
  return ['latest', 'main', 'master', 'stable', 'edge', 'dev', 'develop', 'nightly'].includes(tag.toLowerCase());
}

/**
 * Tags that stand for a value a pipeline fills in, not a build that exists: `${TAG}`, `$(TAG)`,
 * `{{ .Values.tag }}`, `<tag>`, `%TAG%`, and all-caps identifiers such as `CONTAINER_IMAGES_TAG`
 * (skaffold and kustomize components use them for CI to replace).
 */
export function isPlaceholderTag(tag: string): boolean {
  if (/[{}$<>%()\s]/.test(tag)) return true;
  return /^[A-Z][A-Z0-9_]*$/.test(tag) && /[A-Z]{3}/.test(tag);
}
