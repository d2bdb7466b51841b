// Bundles tfjs-core's gradient registrations into dist/tfjs-gradients.js.
//
// Plain Node resolves '@tensorflow/tfjs-core' to its CommonJS bundle, which registers no
// gradients, and cannot import the ESM `dist/register_all_gradients.js` (extensionless
// imports). The bundle below carries its own copy of the ops that the gradient functions call;
// those ops run on tfjs-core's global engine and kernel registry (both are process-wide
// singletons keyed on the global object), so the gradients land where every copy sees them.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');

await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  minify: true,
  legalComments: 'inline',
  outfile: 'dist/tfjs-gradients.js',
  logLevel: 'warning',
});
writeFileSync('dist/tfjs-gradients.d.ts', 'export {};\n');
