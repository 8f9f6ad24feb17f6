/** The text of one document of a multi-document YAML file, as the model should see it. */
import { parseAllDocuments } from 'yaml';

export function documentText(fileText: string, documentIndex: number): string {
  const documents = parseAllDocuments(fileText);
  const document = Array.isArray(documents) ? documents[documentIndex] : undefined;
  if (!document?.contents) return fileText;
  const [start, , end] = document.contents.range;
  return fileText.slice(start, end);
}
