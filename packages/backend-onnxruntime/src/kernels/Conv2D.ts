import type { Conv2DAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2D } from '@parvus/core';
import { conv2dOutputShape } from '../shape.js';
import { convAttributes } from './conv-helpers.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/** x [N, C, H, W] ⋆ w [O, C/groups, kh, kw] → [N, O, Ho, Wo], as ONNX Conv (NCHW, no bias). */
export const conv2DConfig: KernelConfig<Conv2DAttrs> = {
  kernelName: Conv2D,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [x, w] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== 'float32' || w.dtype !== 'float32') throw new Error('Conv2D needs float32 operands');
    const shape = conv2dOutputShape(x.shape, w.shape, attrs);
    const onnx = convAttributes(attrs);
    return b.runGraph({
      kernelName: Conv2D,
      key: attrsKey(onnx),
      inputs: [x, w],
      outputs: [{ shape, dtype: 'float32' }],
      build: (graph, [input, weight]) => [graph.op('Conv', [input as string, weight as string], onnx)],
    })[0] as TensorInfo;
  },
};
