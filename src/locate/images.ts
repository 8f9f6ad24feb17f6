/** Container image references and kustomize's `images:` transformer. */

export interface ImageReference {
  /** Registry and repository, without tag or digest: `ghcr.io/acme/checkout`. */
  name: string;
  tag: string | null;
  digest: string | null;
}

export function parseImage(image: string): ImageReference {
  const [withoutDigest, digest] = image.split('@', 2) as [string, string | undefined];
  // A colon after the last slash separates the tag; one before it belongs to a registry port.
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : null;
  return { name, tag, digest: digest ?? null };
}

export function formatImage(reference: ImageReference): string {
  return `${reference.name}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}

export interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export function toImageOverride(value: unknown): ImageOverride | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  if (typeof entry.name !== 'string') return null;
  const override: ImageOverride = { name: entry.name };
  if (typeof entry.newName === 'string') override.newName = entry.newName;
  if (entry.newTag !== undefined && entry.newTag !== null) override.newTag = String(entry.newTag);
  if (typeof entry.digest === 'string') override.digest = entry.digest;
  return override;
}

/** kustomize matches an `images:` entry on the image name without tag or digest. */
export function overrideMatches(override: ImageOverride, image: string): boolean {
  return parseImage(image).name === override.name;
}

export function applyOverride(override: ImageOverride, image: string): string {
  const reference = parseImage(image);
  const next: ImageReference = { name: override.newName ?? reference.name, tag: reference.tag, digest: reference.digest };
  if (override.newTag !== undefined) next.tag = override.newTag;
  if (override.digest !== undefined) {
    next.digest = override.digest;
    next.tag = override.newTag ?? null;
  }
  return formatImage(next);
}
