import type { KernelConfig, MaxPool2DAttrs, TensorInfo } from '@parvus/core';
import { MaxPool2D } from '@parvus/core';
import { maxPoolArgmax, poolOutputShape } from '../impl/pool.js';
import { asReference } from './kernel-helpers.js';

export const maxPool2DConfig: KernelConfig<MaxPool2DAttrs> = {
  kernelName: MaxPool2D,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const shape = poolOutputShape(x.shape, attrs, attrs.dilations);
    const values = b.values<Float32Array>(x);
    const argmax = maxPoolArgmax(values, x.shape, shape, attrs);
    const plane = (x.shape[2] as number) * (x.shape[3] as number);
    const perPlane = shape[2] * shape[3];
    const y = new Float32Array(argmax.length);
    for (let i = 0; i < y.length; i++) y[i] = values[Math.floor(i / perPlane) * plane + (argmax[i] as number)] as number;
    return b.output(y, shape, 'float32');
  },
};
