/**
 * Turns the edits a resolution produced (possibly across several files) into file changes:
 * each file is read once, edited in the order the edits were given, and diffed.
 */
import type { YamlEdit } from '../locate/types.js';
import { fileChange } from './diff.js';
import type { FileChange } from './types.js';
import { applyYamlEdits, YamlEditError } from './yaml-edit.js';

export async function applyEditsToFiles(edits: YamlEdit[], readFile: (path: string) => Promise<string | null>): Promise<FileChange[]> {
  const byFile = new Map<string, YamlEdit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  const changes: FileChange[] = [];
  for (const [file, fileEdits] of byFile) {
    const before = await readFile(file);
    if (before === null) throw new YamlEditError(fileEdits[0]?.path ?? [], `${file} does not exist in the repository`);
    const after = applyYamlEdits(before, fileEdits);
    if (after !== before) changes.push(fileChange(file, before, after));
  }
  return changes;
}
