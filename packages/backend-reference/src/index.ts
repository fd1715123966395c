/**
 * @parvus/backend-reference — every kernel of the contract in plain TypeScript. Importing this
 * module registers the kernels and the backend (as 'reference', priority 1).
 */
import { registerBackend } from '@parvus/core';
import { ReferenceBackend } from './reference-backend.js';
import './register-all-kernels.js';

export { ReferenceBackend } from './reference-backend.js';
export { referenceKernelConfigs } from './register-all-kernels.js';
export { roundHalfEven } from './impl/round.js';
export { gemm, gemmImplementation, setGemmImplementation } from './impl/gemm.js';
export { elementwiseImplementation, setElementwiseImplementation } from './impl/elementwise.js';

registerBackend('reference', () => new ReferenceBackend(), 1);
