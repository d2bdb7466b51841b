export { BackendError } from './errors.js';
export type { BackendInfo, BackendName, BackendOptions } from './init-backend.js';
export { BACKENDS, backendInfo, initBackend } from './init-backend.js';
export { registerChainedOps } from './register-chained-ops.js';
export { registerGradients } from './register-gradients.js';
