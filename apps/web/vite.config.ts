import { defineConfig } from 'vite';
import { offlineWorker, runtimeAssets } from './build/assets-plugin.mjs';
import { securityHeaders } from './build/headers.mjs';

export default defineConfig({
  // Relative asset URLs: the build works from any folder it is served from.
  base: './',
  plugins: [runtimeAssets(), offlineWorker()],
  server: { headers: securityHeaders({ dev: true }) },
  preview: { headers: securityHeaders() },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs-core alone is ~1 MB unminified; the worker chunk is big by nature, not by accident.
    chunkSizeWarningLimit: 2000,
    // No inline <script>, so the CSP can forbid them; Vite's modulepreload polyfill is inline.
    modulePreload: { polyfill: false },
  },
});
