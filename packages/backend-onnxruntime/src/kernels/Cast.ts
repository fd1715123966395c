import type { CastAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Cast } from '@parvus/core';
import { BACKEND_NAME, ONNX_DTYPE_CODES, asOnnxruntime } from './kernel-helpers.js';

/**
 * Conversions as torch's: float → int32 truncates toward zero, and NaN or out-of-range values give
 * INT32_MIN (x86's cvttss2si; onnxruntime's wasm saturates instead, so those are selected here);
 * anything non-zero (NaN included) is true; int32 → float32 rounds to nearest even.
 */
export const castConfig: KernelConfig<CastAttrs> = {
  kernelName: Cast,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const to = attrs.dtype;
    if (!(to in ONNX_DTYPE_CODES)) throw new Error(`Cast to unknown dtype '${String(to)}'`);
    if (to === x.dtype) return b.alias(x);
    return b.runGraph({
      kernelName: Cast,
      key: to,
      inputs: [x],
      outputs: [{ shape: x.shape, dtype: to }],
      build: (graph, [input]) => {
        const cast = graph.op('Cast', [input as string], { to: ONNX_DTYPE_CODES[to] });
        if (!(x.dtype === 'float32' && to === 'int32')) return [cast];
        const inRange = graph.op('And', [
          graph.op('GreaterOrEqual', [input as string, graph.scalar('float32', -2147483648)]),
          graph.op('Less', [input as string, graph.scalar('float32', 2147483648)]),
        ]);
        return [graph.op('Where', [inRange, cast, graph.scalar('int32', -2147483648)])];
      },
    })[0] as TensorInfo;
  },
};
