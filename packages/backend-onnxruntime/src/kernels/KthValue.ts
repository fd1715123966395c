import type { KernelConfig, KthValueAttrs, TensorInfo } from '@parvus/core';
import { KthValue } from '@parvus/core';
import { checkAxis, reducedShape } from '../shape.js';
import { BACKEND_NAME, DOUBLE, INT32, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * The k-th smallest along an axis and its index, with torch.kthvalue's order (NaN above +Inf), by
 * TopK. TopK's order of NaN is unspecified, so it sorts float64 keys in which +Inf becomes 1e300
 * and NaN becomes +Inf; the value is then gathered from x itself. The shorter end is searched:
 * the k-th smallest of n is the (n − k + 1)-th largest. onnxruntime-web's WebGPU build cannot
 * place a float64 Cast, so there the keys stay float32 with NaN as +Inf (NaN and +Inf then tie).
 */
export const kthValueConfig: KernelConfig<KthValueAttrs> = {
  kernelName: KthValue,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error('KthValue is not defined for bool tensors');
    const { k, axis, keepDims } = attrs;
    checkAxis(axis, x.shape.length);
    const n = x.shape.length === 0 ? 1 : (x.shape[axis] as number);
    if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`k=${k} is out of range for a dimension of ${n}`);
    if (x.shape.length === 0) return [b.alias(x), b.filledOutput([], 'int32', 0)];
    const shape = reducedShape(x.shape, [axis], keepDims);
    const largest = n - k + 1 < k;
    const count = largest ? n - k + 1 : k;
    return b.runGraph({
      kernelName: KthValue,
      key: attrsKey({ count, largest, axis, keepDims }),
      inputs: [x],
      outputs: [{ shape, dtype: x.dtype }, { shape, dtype: 'int32' }],
      build: (graph, [input]) => {
        let keys = input as string;
        if (b.flavour === 'webgpu') {
          if (x.dtype === 'float32') keys = graph.op('Where', [graph.op('IsNaN', [keys]), graph.scalar('float32', Infinity), keys]);
        } else if (x.dtype === 'float32') {
          keys = graph.op('Cast', [keys], { to: DOUBLE });
          const infinite = graph.op('Equal', [input as string, graph.scalar('float32', Infinity)]);
          keys = graph.op('Where', [infinite, graph.scalar('float64', 1e300), keys]);
          keys = graph.op('Where', [graph.op('IsNaN', [input as string]), graph.scalar('float64', Infinity), keys]);
        }
        const [, order] = graph.opN('TopK', [keys, graph.constant('int64', [count])], 2, { axis, largest: largest ? 1 : 0, sorted: 1 });
        const axisValue = graph.constant('int64', [axis]);
        let index = graph.op('Slice', [order as string, graph.constant('int64', [count - 1]), graph.constant('int64', [count]), axisValue]);
        let value = graph.op('GatherElements', [input as string, index], { axis });
        if (!keepDims) {
          index = graph.op('Squeeze', [index, axisValue]);
          value = graph.op('Squeeze', [value, axisValue]);
        }
        return [value, graph.op('Cast', [index], { to: INT32 })];
      },
    });
  },
};
