import type { KernelConfig, ReduceAttrs, TensorInfo } from '@parvus/core';
import { Sum } from '@parvus/core';
import { reducedShape } from '../shape.js';
import { BACKEND_NAME, INT32, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/** Sum over axes; bool and int32 sum to int32 (wrapping), float32 to float32. No axes: identity. */
export const sumConfig: KernelConfig<ReduceAttrs> = {
  kernelName: Sum,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const { axes, keepDims } = attrs;
    const shape = reducedShape(x.shape, axes, keepDims);
    const dtype = x.dtype === 'float32' ? 'float32' : 'int32';
    if (axes.length === 0 && x.dtype === dtype) return b.alias(x);
    return b.runGraph({
      kernelName: Sum,
      key: attrsKey({ axes, keepDims }),
      inputs: [x],
      outputs: [{ shape, dtype }],
      build: (graph, [input]) => {
        const values = x.dtype === 'bool' ? graph.op('Cast', [input as string], { to: INT32 }) : (input as string);
        if (axes.length === 0) return [values];
        return [graph.op('ReduceSum', [values, graph.constant('int64', axes)], { keepdims: keepDims ? 1 : 0 })];
      },
    })[0] as TensorInfo;
  },
};
