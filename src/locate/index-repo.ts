/**
 * Indexes every YAML manifest of a repository once, so locating a workload is a lookup instead of
 * a crawl. Files that do not parse, and the templates of Helm charts, are kept readable but yield
 * no documents; every file skipped for not parsing is named with its reason in `warnings`.
 */
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { ManifestDocument, RepoIndex, RepoView } from './types.js';
import { compilePathPattern } from './posix-path.js';
import { filesOf, isChartTemplate, isRecord, isYamlFile, parseYamlText, rememberParsed, skipReason } from './yaml-read.js';

export interface IndexOptions {
  /** Restrict indexing to these globs (`apps/**`, `*.yml`) or directory prefixes (`apps/checkout`). */
  paths?: string[];
  logger?: Logger;
}

export async function indexRepository(repo: RepoView, options: IndexOptions = {}): Promise<RepoIndex> {
  const logger = options.logger ?? silentLogger;
  const inScope = scopeFilter(options.paths);
  const allFiles = await repo.listFiles();
  const files = allFiles.filter(inScope);
  const texts = new Map<string, Promise<string | null>>();
  const readFile = (path: string): Promise<string | null> => {
    let text = texts.get(path);
    if (!text) {
      text = repo.readFile(path);
      texts.set(path, text);
    }
    return text;
  };

  const index: RepoIndex = { repo, files, documents: [], warnings: [], readFile };
  const yamlFiles = files.filter(isYamlFile);
  const contents = await Promise.all(yamlFiles.map((file) => readFile(file)));
  const known = filesOf(index);
  yamlFiles.forEach((file, position) => {
    const text = contents[position];
    if (text === null || text === undefined) return;
    // Chart templates are read as templates by the Helm source forms, not as manifests.
    if (isChartTemplate(file, known)) {
      rememberParsed(index, file, null);
      return;
    }
    const parsed = parseYamlText(text);
    if (!parsed.ok) {
      const warning = skipReason(file, text, parsed.error);
      index.warnings.push(warning);
      logger.warn({ file, error: parsed.error }, 'skipping a YAML file that does not parse');
      rememberParsed(index, file, null);
      return;
    }
    rememberParsed(index, file, parsed.documents);
    parsed.documents.forEach((value, documentIndex) => index.documents.push(...manifestsOf(file, documentIndex, value)));
  });
  logger.debug({ files: files.length, documents: index.documents.length }, 'repository indexed');
  return index;
}

function scopeFilter(patterns: string[] | undefined): (file: string) => boolean {
  if (!patterns || patterns.length === 0) return () => true;
  const matchers = patterns.map(compilePathPattern);
  return (file) => matchers.some((matches) => matches(file));
}

/** A document becomes one manifest, or one per item for `kind: List`. */
export function manifestsOf(file: string, documentIndex: number, value: unknown): ManifestDocument[] {
  if (!isKubernetesObject(value)) return [];
  if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
    const items = Array.isArray(value.items) ? value.items : [];
    return items.flatMap((item, listItemIndex) =>
      isKubernetesObject(item) ? [toManifest(file, documentIndex, item, listItemIndex)] : [],
    );
  }
  return [toManifest(file, documentIndex, value, undefined)];
}

function isKubernetesObject(value: unknown): value is Record<string, unknown> & { kind: string } {
  return isRecord(value) && typeof value.kind === 'string' && value.kind.length > 0;
}

function toManifest(
  file: string,
  documentIndex: number,
  object: Record<string, unknown> & { kind: string },
  listItemIndex: number | undefined,
): ManifestDocument {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const manifest: ManifestDocument = {
    file,
    documentIndex,
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: object.kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : null,
    object,
  };
  if (listItemIndex !== undefined) manifest.listItemIndex = listItemIndex;
  return manifest;
}
