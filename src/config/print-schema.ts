/**
 * Prints the JSON schema of `.github/kubecure.yml`, generated from the zod schema so the two
 * cannot drift: `tsx src/config/print-schema.ts > src/config/kubecure.schema.json`.
 */
import { z } from 'zod';
import { RepoConfigSchema } from './schema.js';

export function repoConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RepoConfigSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://kubecure.dev/schema/kubecure.schema.json',
    title: 'KubeCure repository configuration (.github/kubecure.yml)',
    properties: { _extends: { type: 'string', description: 'Inherit from another repository\'s file (Probot convention).' }, ...(schema.properties as object) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(repoConfigJsonSchema(), null, 2) + '\n');
}
