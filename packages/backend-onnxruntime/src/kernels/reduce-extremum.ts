/** Max and Min share one graph: onnxruntime's ReduceMax/ReduceMin, with NaN propagated as torch's. */
import type { KernelFunc, ReduceAttrs, TensorInfo } from '@parvus/core';
import { reducedShape } from '../shape.js';
import { FLOAT, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * onnxruntime's float reductions skip NaN depending on where it sits, so a reduced flag of "any NaN"
 * selects NaN afterwards (torch.amax propagates it).
 */
export function extremumKernel(kernelName: 'Max' | 'Min'): KernelFunc<ReduceAttrs> {
  const opType = kernelName === 'Max' ? 'ReduceMax' : 'ReduceMin';
  return ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error(`${kernelName} is not defined for bool tensors`);
    const { axes, keepDims } = attrs;
    const shape = reducedShape(x.shape, axes, keepDims);
    if (axes.length === 0) return b.alias(x);
    return b.runGraph({
      kernelName,
      key: attrsKey({ axes, keepDims }),
      inputs: [x],
      outputs: [{ shape, dtype: x.dtype }],
      build: (graph, [input]) => {
        const axesValue = graph.constant('int64', axes);
        const keepdims = keepDims ? 1 : 0;
        const extremum = graph.op(opType, [input as string, axesValue], { keepdims });
        if (x.dtype !== 'float32') return [extremum];
        const nanFlags = graph.op('Cast', [graph.op('IsNaN', [input as string])], { to: FLOAT });
        const anyNaN = graph.op('Greater', [graph.op('ReduceMax', [nanFlags, axesValue], { keepdims }), graph.scalar('float32', 0)]);
        return [graph.op('Where', [anyNaN, graph.scalar('float32', NaN), extremum])];
      },
    })[0] as TensorInfo;
  };
}
