import type { Conv2DAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2D } from '@parvus/core';
import { conv2dForward, convOutputShape, convPlan } from '../impl/conv.js';
import { asReference } from './kernel-helpers.js';

export const conv2DConfig: KernelConfig<Conv2DAttrs> = {
  kernelName: Conv2D,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [x, w] = inputs as [TensorInfo, TensorInfo];
    const shape = convOutputShape(x.shape, w.shape, attrs);
    const y = new Float32Array(shape.reduce((p, d) => p * d, 1));
    conv2dForward(convPlan(x.shape, w.shape, shape, attrs), b.values<Float32Array>(x), b.values<Float32Array>(w), y);
    return b.output(y, shape, 'float32');
  },
};
