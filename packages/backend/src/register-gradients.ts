import { getGradient } from '@tensorflow/tfjs-core';

/**
 * Makes sure tfjs-core's gradient functions are registered.
 *
 * Browser bundles and vitest load tfjs-core's ESM build, which registers them; plain Node loads
 * its CommonJS build, which does not. Loading the bundled registrations only when they are
 * missing keeps both paths on one set of gradients.
 */
export async function registerGradients(): Promise<void> {
  if (getGradient('Sum') != null) return;
  await import('./tfjs-gradients.js');
}
