import type { KernelConfig } from '@parvus/core';
import { Maximum } from '@parvus/core';
import { extremumExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

/** NaN-propagating, as torch.maximum. */
export const maximumConfig: KernelConfig = {
  kernelName: Maximum,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Maximum, (a, b, backend) => extremumExact('max', a, b, backend.semantics), ['float32', 'int32']),
};
