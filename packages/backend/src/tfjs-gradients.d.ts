// Built by scripts/bundle-gradients.mjs into dist/: tfjs-core gradient registrations.
export {};
