import type { FakeQuantizeAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantize, formatShape } from '@parvus/core';
import { broadcastShape, sameShape } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * Fused fake quantization as one session: Div → Add → Round → Clip → Sub → Mul in float32, the
 * same IEEE operations as core's composite, so equal to it bit for bit (ONNX Round is half to
 * even and keeps −0; the Add of a zero zero-point turns −0 into +0 as the composite does).
 * QuantizeLinear/DequantizeLinear would round x/scale through an integer and lose −0, and have no
 * WebGPU kernel.
 */
export const fakeQuantizeConfig: KernelConfig<FakeQuantizeAttrs> = {
  kernelName: FakeQuantize,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [x, scale, zeroPoint] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    if ([x, scale, zeroPoint].some((t) => t.dtype !== 'float32')) throw new Error('FakeQuantize needs float32 x, scale and zero point');
    const { quantMin, quantMax } = attrs;
    if (!Number.isInteger(quantMin) || !Number.isInteger(quantMax) || quantMin > quantMax) {
      throw new Error(`quantMin and quantMax must be integers with quantMin ≤ quantMax, got ${quantMin} and ${quantMax}`);
    }
    const shape = broadcastShape(broadcastShape(x.shape, scale.shape), zeroPoint.shape);
    if (!sameShape(shape, x.shape)) {
      throw new Error(`scale ${formatShape(scale.shape)} and zero point ${formatShape(zeroPoint.shape)} must broadcast to x ${formatShape(x.shape)}`);
    }
    return b.runGraph({
      kernelName: FakeQuantize,
      key: attrsKey({ quantMin, quantMax }),
      inputs: [x, scale, zeroPoint],
      outputs: [{ shape, dtype: 'float32' }],
      build: (graph, [input, s, zp]) => {
        const scaled = graph.op('Add', [graph.op('Div', [input as string, s as string]), zp as string]);
        const clamped = graph.op('Clip', [graph.op('Round', [scaled]), graph.scalar('float32', quantMin), graph.scalar('float32', quantMax)]);
        return [graph.op('Mul', [graph.op('Sub', [clamped, zp as string]), s as string])];
      },
    })[0] as TensorInfo;
  },
};
