import type { AvgPool2DAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { AvgPool2D } from '@parvus/core';
import { avgPoolForward, poolOutputShape } from '../impl/pool.js';
import { asReference } from './kernel-helpers.js';

export const avgPool2DConfig: KernelConfig<AvgPool2DAttrs> = {
  kernelName: AvgPool2D,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const shape = poolOutputShape(x.shape, attrs);
    const y = new Float32Array(shape.reduce((p, d) => p * d, 1));
    avgPoolForward(b.values<Float32Array>(x), x.shape, y, shape, attrs);
    return b.output(y, shape, 'float32');
  },
};
