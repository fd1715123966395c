import type { Tensor } from '../engine/tensor.js';
import type { GradFunc, GradNode } from './grad-node.js';
import { getGradient } from './gradient-registry.js';

/** Record a kernel call in the graph when any input requires grad. Integer outputs never do. */
export function recordKernel(kernelName: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: object): void {
  const gradFunc = getGradient(kernelName)?.gradFunc ?? null;
  recordNode(kernelName, inputs, outputs, attrs, gradFunc);
}

export function recordNode(
  kernelName: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: object,
  gradFunc: GradFunc | null,
): void {
  if (!inputs.some((t) => t.requiresGrad)) return;
  const differentiable = outputs.filter((t) => t.dtype === 'float32');
  if (differentiable.length === 0) return;
  const node: GradNode = {
    kernelName,
    inputs: [...inputs],
    inputVersions: inputs.map((t) => t.version),
    outputs: [...outputs],
    attrs,
    gradFunc,
    released: false,
  };
  for (const input of inputs) input.savedForGrad = true;
  for (const output of differentiable) {
    output.requiresGrad = true;
    output.gradFn = node;
  }
}
