/** Plain manifests: the workload is declared as-is in one document, edits go straight to it. */
import type { Candidate, SourceContext, SourceModule } from '../candidate.js';
import { editsAgainstWorkload } from '../pod-template.js';
import { declaresPods, deepClone } from '../pod-template.js';
import type { ManifestDocument, Resolution } from '../types.js';
import { analyzeKustomizations } from './kustomize-tree.js';

export const plainManifests: SourceModule = {
  form: 'plain',
  async findCandidates(context: SourceContext): Promise<Candidate[]> {
    // Files that a kustomization builds are located through kustomize, with their overlays.
    const { builtFiles, patchFiles } = await analyzeKustomizations(context.index);
    return context.index.documents
      .filter((document) => document.kind === context.kind && document.name === context.name)
      .filter((document) => !builtFiles.has(document.file) && !patchFiles.has(document.file))
      .filter((document) => declaresPods(document.object, document.kind))
      .map(plainCandidate);
  },
};

/** A plain manifest file is an environment of its own: applying it is all that renders it. */
export function plainEnvironment(file: string): string {
  return `manifest ${file}`;
}

function plainCandidate(document: ManifestDocument): Candidate {
  const prefix = document.listItemIndex === undefined ? [] : ['items', document.listItemIndex];
  const where = document.listItemIndex === undefined ? '' : ` (List item ${document.listItemIndex})`;
  return {
    environment: plainEnvironment(document.file),
    renderRoot: document.file,
    files: [document.file],
    environmentPath: document.file,
    namespace: document.namespace,
    location: {
      form: 'plain',
      file: document.file,
      documentIndex: document.documentIndex,
      kind: document.kind,
      name: document.name,
      namespace: document.namespace,
      workload: deepClone(document.object),
      via: [`plain manifest ${document.file} document ${document.documentIndex}${where} declares ${document.kind}/${document.name}`],
      resolve(change): Resolution {
        const edits = editsAgainstWorkload(document.object, document.kind, change, prefix);
        if (!edits) return { ok: false, reason: `container ${change.container} is not declared in ${document.file}` };
        return {
          ok: true,
          edits: edits.map((edit) => ({ file: document.file, documentIndex: document.documentIndex, ...edit })),
        };
      },
    },
  };
}
