import type { KernelConfig, KthValueAttrs, TensorInfo } from '@parvus/core';
import { KthValue } from '@parvus/core';
import { checkAxis, reducedShape } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime } from './kernel-helpers.js';

/**
 * The k-th smallest along an axis and its index, with torch.kthvalue's order (NaN above every
 * number) and its index among ties: the one torch's quickselect lands on, which decides where a
 * percentile's gradient goes. That selection is a data-dependent sequence of swaps that no ONNX
 * graph expresses, so it runs as a host kernel where onnxruntime holds the values, in order with
 * the sessions: host-kernels.ts's quickselect, which makes core's kthValueSelect's comparisons and
 * swaps while moving each value with its index (test/host-kernels.test.ts checks the two agree).
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
    if (shape.some((d) => d === 0)) return [b.filledOutput(shape, x.dtype, 0), b.filledOutput(shape, 'int32', 0)];
    return b.runHost(KthValue, { k, axis, keepDims }, [x], [{ shape, dtype: x.dtype }, { shape, dtype: 'int32' }]);
  },
};
