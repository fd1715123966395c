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
    const y = b.allocateFloat32(argmax.length);
    for (let p = 0, o = 0; o < y.length; p += plane) {
      for (const end = o + perPlane; o < end; o++) y[o] = values[p + (argmax[o] as number)] as number;
    }
    return b.output(y, shape, 'float32');
  },
};
