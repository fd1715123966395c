import type { KernelConfig } from '@parvus/core';
import { Relu } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

/** ONNX Relu is max(x, 0) as torch.relu: −0 and NaN pass through (checked by conformance). */
export const reluConfig: KernelConfig = {
  kernelName: Relu,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Relu, { float32: (graph, x) => graph.op('Relu', [x]), int32: (graph, x) => graph.op('Relu', [x]) }),
};
