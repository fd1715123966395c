import type { Conv2DBackpropInputAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2DBackpropInput, formatShape } from '@parvus/core';
import { conv2dOutputShape, sameShape } from '../shape.js';
import { transposedPadding } from './conv-helpers.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * The input gradient of Conv2D (and the forward of a transposed convolution) as ONNX ConvTranspose
 * with the same weight layout; pads and output padding are chosen so the result has inputShape.
 */
export const conv2DBackpropInputConfig: KernelConfig<Conv2DBackpropInputAttrs> = {
  kernelName: Conv2DBackpropInput,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [dy, w] = inputs as [TensorInfo, TensorInfo];
    if (dy.dtype !== 'float32' || w.dtype !== 'float32') throw new Error('Conv2DBackpropInput needs float32 operands');
    const { inputShape } = attrs;
    const yShape = conv2dOutputShape(inputShape, w.shape, attrs);
    if (!sameShape(yShape, dy.shape)) throw new Error(`dy ${formatShape(dy.shape)} does not match the convolution's output ${formatShape(yShape)}`);
    const [, , h, wd] = inputShape;
    const [, , kh, kw] = w.shape as [number, number, number, number];
    const rows = transposedPadding(h, yShape[2], kh, attrs.strides[0], attrs.dilations[0], attrs.pads[0]);
    const cols = transposedPadding(wd, yShape[3], kw, attrs.strides[1], attrs.dilations[1], attrs.pads[2]);
    const onnx = {
      strides: [...attrs.strides],
      dilations: [...attrs.dilations],
      group: attrs.groups,
      pads: [attrs.pads[0], attrs.pads[2], rows.padAfter, cols.padAfter],
      output_padding: [rows.outputPadding, cols.outputPadding],
    };
    return b.runGraph({
      kernelName: Conv2DBackpropInput,
      key: attrsKey(onnx),
      inputs: [dy, w],
      outputs: [{ shape: [...inputShape], dtype: 'float32' }],
      build: (graph, [gradient, weight]) => [graph.op('ConvTranspose', [gradient as string, weight as string], onnx)],
    })[0] as TensorInfo;
  },
};
