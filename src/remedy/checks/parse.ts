/** Every edited file still parses, with as many documents as before. */
import type { ValidationCheck } from '../types.js';
import type { ParsedFile } from '../changed-documents.js';

export function parseCheck(files: ParsedFile[]): ValidationCheck {
  const broken = files.filter((file) => file.problems.length > 0);
  if (broken.length === 0) {
    return { name: 'parse', passed: true, message: `${files.length} file(s) re-parse with the same number of documents` };
  }
  const details = broken.map((file) => `${file.file}: ${file.problems.join('; ')}`).join('; ');
  return { name: 'parse', passed: false, message: `the edited YAML is broken, fix the edit before merging: ${details}` };
}
