// The response headers every server of the app sends (Vite dev, Vite preview, build/serve.mjs).
// COOP/COEP make the page cross-origin isolated, which tfjs's threaded wasm build needs
// (SharedArrayBuffer). The CSP allows scripts only from this origin: no inline script, no
// remote origin. 'wasm-unsafe-eval' lets WebAssembly compile; blob: is where tfjs's threaded
// build starts its pthread workers from.

/** @param {{ dev?: boolean }} [options] dev: Vite's dev server injects its CSS as <style> tags. */
export function securityHeaders({ dev = false } = {}) {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data: blob:",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
