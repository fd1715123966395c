import type { KernelConfig, MaxPool2DAttrs, TensorInfo } from '@parvus/core';
import { MaxPool2D } from '@parvus/core';
import { pool2dOutputShape } from '../shape.js';
import { BACKEND_NAME, FLOAT, asOnnxruntime, attrsKey } from './kernel-helpers.js';
import { maxPoolAttributes } from './pool-helpers.js';

/**
 * ONNX MaxPool with PyTorch's geometry (ceil mode included). onnxruntime's MaxPool skips NaN, while
 * torch's propagates it, so a window holding a NaN (found by max-pooling the NaN flags) gives NaN.
 */
export const maxPool2DConfig: KernelConfig<MaxPool2DAttrs> = {
  kernelName: MaxPool2D,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype !== 'float32') throw new Error('MaxPool2D needs a float32 input');
    const shape = pool2dOutputShape(x.shape, attrs, attrs.dilations);
    const onnx = maxPoolAttributes(attrs);
    return b.runGraph({
      kernelName: MaxPool2D,
      key: attrsKey(onnx),
      inputs: [x],
      outputs: [{ shape, dtype: 'float32' }],
      build: (graph, [input]) => {
        const pooled = graph.op('MaxPool', [input as string], onnx);
        const nanFlags = graph.op('Cast', [graph.op('IsNaN', [input as string])], { to: FLOAT });
        const hasNaN = graph.op('Greater', [graph.op('MaxPool', [nanFlags], onnx), graph.scalar('float32', 0)]);
        return [graph.op('Where', [hasNaN, graph.scalar('float32', NaN), pooled])];
      },
    })[0] as TensorInfo;
  },
};
