import type { KernelConfig, TensorInfo, TransposeAttrs } from '@parvus/core';
import { Transpose, formatShape } from '@parvus/core';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

export const transposeConfig: KernelConfig<TransposeAttrs> = {
  kernelName: Transpose,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const { perm } = attrs;
    const valid = perm.length === x.shape.length && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
    if (!valid) throw new Error(`perm [${perm.join(', ')}] is not a permutation of the axes of ${formatShape(x.shape)}`);
    const shape = perm.map((p) => x.shape[p] as number);
    if (perm.every((p, i) => p === i)) return b.alias(x);
    return b.runGraph({
      kernelName: Transpose,
      key: attrsKey(perm),
      inputs: [x],
      outputs: [{ shape, dtype: x.dtype }],
      build: (graph, [input]) => [graph.op('Transpose', [input as string], { perm })],
    })[0] as TensorInfo;
  },
};
