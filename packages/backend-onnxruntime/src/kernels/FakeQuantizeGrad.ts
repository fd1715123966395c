import type { FakeQuantizeGradAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantizeGrad, formatShape } from '@parvus/core';
import { broadcastShape, sameShape } from '../shape.js';
import { BACKEND_NAME, FLOAT, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * The elementwise parts of fake quantization's gradient, [dx, dScale, dZeroPoint], as one session
 * of the same float32 operations as core's composite (so bit-identical to it): with
 * r = round(x/s + zp), c = clip(r) and m = [quantMin ≤ r ≤ quantMax] (1 with a straight-through clamp),
 * dx = dy·m, dScale = dy·((c − zp) − m·(x/s)), dZeroPoint = (dy·s)·(m − 1), or +0 when straight-through.
 */
export const fakeQuantizeGradConfig: KernelConfig<FakeQuantizeGradAttrs> = {
  kernelName: FakeQuantizeGrad,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [dy, x, scale, zeroPoint] = inputs as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    if ([dy, x, scale, zeroPoint].some((t) => t.dtype !== 'float32')) throw new Error('FakeQuantizeGrad needs float32 inputs');
    const { quantMin, quantMax, straightThroughClamp } = attrs;
    const shape = broadcastShape(broadcastShape(broadcastShape(dy.shape, x.shape), scale.shape), zeroPoint.shape);
    if (!sameShape(shape, dy.shape) || !sameShape(shape, x.shape)) {
      throw new Error(`dy ${formatShape(dy.shape)}, x ${formatShape(x.shape)}, scale ${formatShape(scale.shape)} and zero point ${formatShape(zeroPoint.shape)} must broadcast to dy's shape, which x must have`);
    }
    const output = { shape, dtype: 'float32' as const };
    return b.runGraph({
      kernelName: FakeQuantizeGrad,
      key: attrsKey({ quantMin, quantMax, straightThroughClamp }),
      inputs: [dy, x, scale, zeroPoint],
      outputs: [output, output, output],
      build: (graph, [gradient, input, s, zp]) => {
        const [g, xs, sv, z] = [gradient, input, s, zp] as [string, string, string, string];
        const scaled = graph.op('Div', [xs, sv]);
        const r = graph.op('Round', [graph.op('Add', [scaled, z])]);
        const lo = graph.scalar('float32', quantMin);
        const hi = graph.scalar('float32', quantMax);
        const c = graph.op('Clip', [r, lo, hi]);
        const one = graph.scalar('float32', 1);
        if (straightThroughClamp) {
          const zeros = graph.op('ConstantOfShape', [graph.op('Shape', [g])], { value: { tensor: { type: 'float32', values: [0], dims: [1] } } });
          return [graph.op('Mul', [g, one]), graph.op('Mul', [g, graph.op('Sub', [graph.op('Sub', [c, z]), scaled])]), zeros];
        }
        const m = graph.op('Cast', [graph.op('And', [graph.op('GreaterOrEqual', [r, lo]), graph.op('LessOrEqual', [r, hi])])], { to: FLOAT });
        return [
          graph.op('Mul', [g, m]),
          graph.op('Mul', [g, graph.op('Sub', [graph.op('Sub', [c, z]), graph.op('Mul', [m, scaled])])]),
          graph.op('Mul', [graph.op('Mul', [g, sv]), graph.op('Sub', [m, one])]),
        ];
      },
    });
  },
};
