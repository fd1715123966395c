import type { AvgPool2DAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { AvgPool2D } from '@parvus/core';
import { pool2dOutputShape } from '../shape.js';
import { onnxPads } from './conv-helpers.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';
import { avgPoolDivisors, sumPoolPadAfter } from './pool-helpers.js';

/**
 * Average pooling as PyTorch computes it: the window sum (a convolution of each plane with ones,
 * zero-padded so that ceil mode's extra windows exist), divided by the divisor of each position
 * (countIncludePad, clipped windows, divisorOverride), which ONNX AveragePool cannot express.
 */
export const avgPool2DConfig: KernelConfig<AvgPool2DAttrs> = {
  kernelName: AvgPool2D,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype !== 'float32') throw new Error('AvgPool2D needs a float32 input');
    const shape = pool2dOutputShape(x.shape, attrs);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [, , ho, wo] = shape;
    const [kh, kw] = attrs.kernelSize;
    const pads = onnxPads([
      attrs.pads[0], sumPoolPadAfter(h, ho, kh, attrs.strides[0], attrs.pads[0]),
      attrs.pads[2], sumPoolPadAfter(w, wo, kw, attrs.strides[1], attrs.pads[2]),
    ]);
    return b.runGraph({
      kernelName: AvgPool2D,
      key: attrsKey(attrs),
      inputs: [x],
      outputs: [{ shape, dtype: 'float32' }],
      staticShapes: true,
      build: (graph, [input]) => {
        const planes = graph.op('Reshape', [input as string, graph.constant('int64', [n * c, 1, h, w])]);
        const ones = graph.constant('float32', new Array<number>(kh * kw).fill(1), [1, 1, kh, kw]);
        const sums = graph.op('Conv', [planes, ones], { strides: [...attrs.strides], pads });
        const divisors = graph.constant('float32', avgPoolDivisors(h, w, ho, wo, attrs), [ho, wo]);
        return [graph.op('Reshape', [graph.op('Div', [sums, divisors]), graph.constant('int64', shape)])];
      },
    })[0] as TensorInfo;
  },
};
