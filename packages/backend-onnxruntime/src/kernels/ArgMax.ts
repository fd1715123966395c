import type { ArgMaxAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { ArgMax } from '@parvus/core';
import { checkAxis, reducedShape } from '../shape.js';
import { BACKEND_NAME, FLOAT, INT32, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * Index of the first maximum, NaN counting as the maximum (torch.argmax). onnxruntime's ArgMax
 * ignores NaN, so float32 takes the first NaN's index where a slice has one.
 */
export const argMaxConfig: KernelConfig<ArgMaxAttrs> = {
  kernelName: ArgMax,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error('ArgMax is not defined for bool tensors');
    const { axis, keepDims } = attrs;
    checkAxis(axis, x.shape.length);
    if (x.shape.length === 0) return b.filledOutput([], 'int32', 0);
    if ((x.shape[axis] as number) === 0) throw new Error('ArgMax over an empty dimension');
    const shape = reducedShape(x.shape, [axis], keepDims);
    return b.runGraph({
      kernelName: ArgMax,
      key: attrsKey({ axis, keepDims }),
      inputs: [x],
      outputs: [{ shape, dtype: 'int32' }],
      build: (graph, [input]) => {
        const options = { axis, keepdims: keepDims ? 1 : 0 };
        if (x.dtype !== 'float32') return [graph.op('Cast', [graph.op('ArgMax', [input as string], options)], { to: INT32 })];
        const isNaN = graph.op('IsNaN', [input as string]);
        const numbers = graph.op('Where', [isNaN, graph.scalar('float32', -Infinity), input as string]);
        const nanFlags = graph.op('Cast', [isNaN], { to: FLOAT });
        const anyNaN = graph.op('Greater', [graph.op('ReduceMax', [nanFlags, graph.constant('int64', [axis])], { keepdims: options.keepdims }), graph.scalar('float32', 0)]);
        const index = graph.op('Where', [anyNaN, graph.op('ArgMax', [nanFlags], options), graph.op('ArgMax', [numbers], options)]);
        return [graph.op('Cast', [index], { to: INT32 })];
      },
    })[0] as TensorInfo;
  },
};
