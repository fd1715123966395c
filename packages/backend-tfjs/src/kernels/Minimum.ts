import type { KernelConfig } from '@parvus/core';
import { Minimum } from '@parvus/core';
import { extremumExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

/** NaN-propagating, as torch.minimum. */
export const minimumConfig: KernelConfig = {
  kernelName: Minimum,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Minimum, (a, b, backend) => extremumExact('min', a, b, backend.semantics), ['float32', 'int32']),
};
