/**
 * Bundles the agent into one file, `dist-agent/agent.mjs`: the agent image runs that file with
 * Node alone, no node_modules. Minified, because the bundle's size is parsed into every agent's
 * heap (client-node alone is ~1 MB of it). `--outfile` overrides the destination (the benchmark).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfileFlag = process.argv.indexOf('--outfile');
const outfile = outfileFlag > 0 ? process.argv[outfileFlag + 1] : `${root}dist-agent/agent.mjs`;

export async function buildAgent(destination = outfile) {
  await build({
    entryPoints: [`${root}agent/main.ts`],
    outfile: destination,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __kubecureRequire } from 'node:module'; const require = __kubecureRequire(import.meta.url);" },
  });
  return destination;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAgent();
  console.log(`agent bundled into ${outfile}`);
}
