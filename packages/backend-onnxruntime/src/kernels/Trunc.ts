import type { KernelConfig } from '@parvus/core';
import { Trunc } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

/**
 * ONNX has no Trunc: floor above zero, ceil elsewhere (−0.5 → −0, −0 → −0, NaN → NaN). The ceil
 * branch is Where's second operand on purpose: onnxruntime's Where turns a −0 taken from its first
 * operand into +0 (it merges the two selections with `x != 0 ? x : y`).
 */
export const truncConfig: KernelConfig = {
  kernelName: Trunc,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Trunc, {
    float32: (graph, x) => graph.op('Where', [graph.op('Greater', [x, graph.scalar('float32', 0)]), graph.op('Floor', [x]), graph.op('Ceil', [x])]),
    int32: 'identity',
  }),
};
