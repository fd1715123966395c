import type { KernelConfig } from '@parvus/core';
import { Round } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { roundExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { anyDType, roundHalfEven } from '../impl/tiny.js';

/** Half to even with the sign of zero kept, as torch.round. */
export const roundConfig: KernelConfig = {
  kernelName: Round,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Round, (x, b) => roundExact(x, b.semantics), (x) => tf.clone(x), anyDType(roundHalfEven)),
};
