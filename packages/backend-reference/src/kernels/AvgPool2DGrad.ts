import type { AvgPool2DGradAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { AvgPool2DGrad } from '@parvus/core';
import { avgPoolBackward } from '../impl/pool.js';
import { asReference } from './kernel-helpers.js';

export const avgPool2DGradConfig: KernelConfig<AvgPool2DGradAttrs> = {
  kernelName: AvgPool2DGrad,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const dy = inputs[0] as TensorInfo;
    const dx = new Float32Array(attrs.inputShape.reduce((p, d) => p * d, 1));
    avgPoolBackward(b.values<Float32Array>(dy), dx, attrs.inputShape, dy.shape, attrs);
    return b.output(dx, attrs.inputShape, 'float32');
  },
};
