import type { AvgPool2DGradAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { AvgPool2DGrad, formatShape } from '@parvus/core';
import { pool2dOutputShape, sameShape } from '../shape.js';
import { transposedPadding } from './conv-helpers.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';
import { avgPoolDivisors } from './pool-helpers.js';

/**
 * The gradient of AvgPool2D: dy divided by each window's divisor, spread over the window by a
 * transposed convolution with ones, cropped to the input (taps in the padding fall away).
 */
export const avgPool2DGradConfig: KernelConfig<AvgPool2DGradAttrs> = {
  kernelName: AvgPool2DGrad,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const dy = inputs[0] as TensorInfo;
    if (dy.dtype !== 'float32') throw new Error('AvgPool2DGrad needs a float32 gradient');
    const { inputShape } = attrs;
    const yShape = pool2dOutputShape(inputShape, attrs);
    if (!sameShape(yShape, dy.shape)) throw new Error(`dy ${formatShape(dy.shape)} does not match the pooling output ${formatShape(yShape)}`);
    const [n, c, h, w] = inputShape;
    const [, , ho, wo] = yShape;
    const [kh, kw] = attrs.kernelSize;
    const rows = transposedPadding(h, ho, kh, attrs.strides[0], 1, attrs.pads[0]);
    const cols = transposedPadding(w, wo, kw, attrs.strides[1], 1, attrs.pads[2]);
    return b.runGraph({
      kernelName: AvgPool2DGrad,
      key: attrsKey(attrs),
      inputs: [dy],
      outputs: [{ shape: [...inputShape], dtype: 'float32' }],
      staticShapes: true,
      build: (graph, [gradient]) => {
        const divisors = graph.constant('float32', avgPoolDivisors(h, w, ho, wo, attrs), [ho, wo]);
        const shares = graph.op('Reshape', [graph.op('Div', [gradient as string, divisors]), graph.constant('int64', [n * c, 1, ho, wo])]);
        const ones = graph.constant('float32', new Array<number>(kh * kw).fill(1), [1, 1, kh, kw]);
        const spread = graph.op('ConvTranspose', [shares, ones], {
          strides: [...attrs.strides],
          pads: [attrs.pads[0], attrs.pads[2], rows.padAfter, cols.padAfter],
          output_padding: [rows.outputPadding, cols.outputPadding],
        });
        return [graph.op('Reshape', [spread, graph.constant('int64', [...inputShape])])];
      },
    })[0] as TensorInfo;
  },
};
