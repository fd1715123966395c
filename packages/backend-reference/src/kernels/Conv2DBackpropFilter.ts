import type { Conv2DBackpropFilterAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2DBackpropFilter } from '@parvus/core';
import { conv2dBackpropFilter, convPlan } from '../impl/conv.js';
import { asReference } from './kernel-helpers.js';

export const conv2DBackpropFilterConfig: KernelConfig<Conv2DBackpropFilterAttrs> = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [x, dy] = inputs as [TensorInfo, TensorInfo];
    const dw = new Float32Array(attrs.filterShape.reduce((p, d) => p * d, 1));
    conv2dBackpropFilter(convPlan(x.shape, attrs.filterShape, dy.shape, attrs), b.values<Float32Array>(x), b.values<Float32Array>(dy), dw);
    return b.output(dw, attrs.filterShape, 'float32');
  },
};
