import type { KernelConfig, MaxPool2DGradAttrs, TensorInfo } from '@parvus/core';
import { MaxPool2DGrad } from '@parvus/core';
import { maxPoolArgmax } from '../impl/pool.js';
import { asReference } from './kernel-helpers.js';

export const maxPool2DGradConfig: KernelConfig<MaxPool2DGradAttrs> = {
  kernelName: MaxPool2DGrad,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [dy, x] = inputs as [TensorInfo, TensorInfo];
    const argmax = maxPoolArgmax(b.values<Float32Array>(x), x.shape, dy.shape, attrs);
    const g = b.values<Float32Array>(dy);
    const plane = (x.shape[2] as number) * (x.shape[3] as number);
    const perPlane = (dy.shape[2] as number) * (dy.shape[3] as number);
    const dx = new Float32Array(x.shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < g.length; i++) {
      const target = Math.floor(i / perPlane) * plane + (argmax[i] as number);
      dx[target] = (dx[target] as number) + (g[i] as number);
    }
    return b.output(dx, x.shape, 'float32');
  },
};
