import type { KernelConfig, SliceAttrs, TensorInfo } from '@parvus/core';
import { Slice, formatShape } from '@parvus/core';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

export const sliceConfig: KernelConfig<SliceAttrs> = {
  kernelName: Slice,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const { begin, size } = attrs;
    const valid = begin.length === x.shape.length && size.length === x.shape.length &&
      x.shape.every((d, i) => {
        const start = begin[i] as number;
        const length = size[i] as number;
        return Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 0 && start + length <= d;
      });
    if (!valid) throw new Error(`slice begin [${begin.join(', ')}] size [${size.join(', ')}] does not fit ${formatShape(x.shape)}`);
    if (size.every((s, i) => s === x.shape[i])) return b.alias(x);
    const axes = x.shape.map((_, i) => i);
    return b.runGraph({
      kernelName: Slice,
      key: attrsKey({ begin, size }),
      inputs: [x],
      outputs: [{ shape: size, dtype: x.dtype }],
      build: (graph, [input]) => [graph.op('Slice', [
        input as string,
        graph.constant('int64', begin),
        graph.constant('int64', begin.map((s, i) => s + (size[i] as number))),
        graph.constant('int64', axes),
      ])],
    })[0] as TensorInfo;
  },
};
