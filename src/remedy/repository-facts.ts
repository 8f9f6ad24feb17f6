/**
 * What the patch gate checks a proposal against, read once per remediation: the ConfigMaps and
 * Secrets the repository declares in the failure's namespace (a reference may be renamed to one
 * of them), every image reference it deploys (an image may move to one of them), and the failing
 * container's own error words (an env variable must be named there).
 */
import type { FailureReport } from '../report/schema.js';
import type { RepoIndex } from '../locate/types.js';
import { declaredConfigs, declaredImages, inNamespace } from '../diagnose/rules/repo-facts.js';
import { logLines } from '../diagnose/rules/report-text.js';
import { ownErrorWords } from '../diagnose/rules/log-patterns.js';
import { canonicalImage, type RepositoryFacts } from './allowlist.js';

export async function repositoryFacts(index: RepoIndex, namespace: string): Promise<RepositoryFacts> {
  const configs = (await declaredConfigs(index)).filter((config) => inNamespace(config, namespace));
  const images = (await declaredImages(index)).filter((image) => image.tag !== null).map((image) => canonicalImage(`${image.repository}:${image.tag}`));
  return {
    configMaps: new Set(configs.filter((config) => config.kind === 'ConfigMap').map((config) => config.name)),
    secrets: new Set(configs.filter((config) => config.kind === 'Secret').map((config) => config.name)),
    images: new Set(images),
  };
}

/** The failing container's own error words (its previous and current logs, quoted input cut off). */
export function containerErrorLines(report: FailureReport): string[] {
  return ownErrorWords(logLines(report));
}
