import type { KernelConfig } from '@parvus/core';
import { Floor } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

export const floorConfig: KernelConfig = {
  kernelName: Floor,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Floor, { float32: (graph, x) => graph.op('Floor', [x]), int32: 'identity' }),
};
