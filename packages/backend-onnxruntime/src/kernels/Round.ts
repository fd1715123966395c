import type { KernelConfig } from '@parvus/core';
import { Round } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

/** ONNX Round rounds half to even and keeps the sign of zero, as torch.round. */
export const roundConfig: KernelConfig = {
  kernelName: Round,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Round, { float32: (graph, x) => graph.op('Round', [x]), int32: 'identity' }),
};
