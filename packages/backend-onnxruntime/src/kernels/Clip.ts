import type { ClipAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Clip } from '@parvus/core';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * clamp(x, min, max) as torch.clamp: min(max(x, lo), hi), NaN stays NaN and −0 stays −0 (ONNX Clip
 * on float32 does both). int32 selects with comparisons against the integer bounds, so that bounds
 * outside int32 (the infinities of a one-sided clamp) need no constant.
 */
export const clipConfig: KernelConfig<ClipAttrs> = {
  kernelName: Clip,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const { min, max } = attrs;
    if (Number.isNaN(min) || Number.isNaN(max)) throw new Error('Clip bounds must not be NaN');
    if (x.dtype === 'bool') throw new Error('Clip is not defined for bool tensors');
    return b.runGraph({
      kernelName: Clip,
      key: attrsKey({ min, max }),
      inputs: [x],
      outputs: [{ shape: x.shape, dtype: x.dtype }],
      build: (graph, [input]) => {
        let y = input as string;
        if (x.dtype === 'float32') {
          // Infinite bounds are written, not omitted: an omitted bound is ±FLT_MAX, which clips ±∞.
          return [graph.op('Clip', [y, graph.scalar('float32', min), graph.scalar('float32', max)])];
        }
        // v < lo ⇔ v < ceil(lo) for an integer v; the result is lo stored as int32 (truncated).
        if (Math.ceil(min) > INT32_MIN) {
          const below = graph.op('Less', [y, graph.scalar('int32', Math.min(Math.ceil(min), INT32_MAX))]);
          y = graph.op('Where', [below, graph.scalar('int32', Math.min(Math.trunc(min), INT32_MAX)), y]);
        }
        if (Math.floor(max) < INT32_MAX) {
          const above = graph.op('Greater', [y, graph.scalar('int32', Math.max(Math.floor(max), INT32_MIN))]);
          y = graph.op('Where', [above, graph.scalar('int32', Math.max(Math.trunc(max), INT32_MIN)), y]);
        }
        return [y === input ? graph.op('Identity', [y]) : y];
      },
    })[0] as TensorInfo;
  },
};
