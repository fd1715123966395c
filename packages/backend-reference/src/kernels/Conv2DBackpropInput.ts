import type { Conv2DBackpropInputAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2DBackpropInput } from '@parvus/core';
import { conv2dBackpropInput, convPlan } from '../impl/conv.js';
import { asReference } from './kernel-helpers.js';

export const conv2DBackpropInputConfig: KernelConfig<Conv2DBackpropInputAttrs> = {
  kernelName: Conv2DBackpropInput,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [dy, w] = inputs as [TensorInfo, TensorInfo];
    const dx = new Float32Array(attrs.inputShape.reduce((p, d) => p * d, 1));
    conv2dBackpropInput(convPlan(attrs.inputShape, w.shape, dy.shape, attrs), b.values<Float32Array>(dy), b.values<Float32Array>(w), dx);
    return b.output(dx, attrs.inputShape, 'float32');
  },
};
