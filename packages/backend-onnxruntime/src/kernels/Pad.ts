import type { KernelConfig, PadAttrs, TensorInfo } from '@parvus/core';
import { Pad, formatShape, sizeOf } from '@parvus/core';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/** Constant padding; an empty input pads to a tensor that is all constant (no graph needed). */
export const padConfig: KernelConfig<PadAttrs> = {
  kernelName: Pad,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const { paddings, constantValue } = attrs;
    const valid = paddings.length === x.shape.length &&
      paddings.every(([before, after]) => Number.isInteger(before) && Number.isInteger(after) && before >= 0 && after >= 0);
    if (!valid) throw new Error(`paddings ${JSON.stringify(paddings)} do not fit ${formatShape(x.shape)}`);
    const shape = x.shape.map((d, i) => d + (paddings[i] as [number, number])[0] + (paddings[i] as [number, number])[1]);
    if (sizeOf(x.shape) === 0) return b.filledOutput(shape, x.dtype, constantValue);
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return b.alias(x);
    return b.runGraph({
      kernelName: Pad,
      key: attrsKey({ paddings, constantValue }),
      inputs: [x],
      outputs: [{ shape, dtype: x.dtype }],
      build: (graph, [input]) => {
        const pads = graph.constant('int64', [...paddings.map((p) => p[0]), ...paddings.map((p) => p[1])]);
        const value = graph.scalar(x.dtype, x.dtype === 'bool' ? (constantValue ? 1 : 0) : constantValue);
        return [graph.op('Pad', [input as string, pads, value], { mode: 'constant' })];
      },
    })[0] as TensorInfo;
  },
};
