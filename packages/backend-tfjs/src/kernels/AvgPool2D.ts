import type { AvgPool2DAttrs, KernelConfig } from '@parvus/core';
import { AvgPool2D } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { onHostData } from '../impl/host.js';
import { avgDivisors, frame, poolPlan, windows } from '../impl/pool.js';
import { avgPoolForward } from '../impl/pool-host.js';

/** PyTorch's average pooling: the window's sum, then one division by its divisor. */
export const avgPool2DConfig: KernelConfig<AvgPool2DAttrs> = {
  kernelName: AvgPool2D,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<AvgPool2DAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    expectDTypes(AvgPool2D, [x], ['float32']);
    const p = poolPlan(x.shape, attrs);
    const host = onHostData(backend, [x], [p.n, p.c, p.ho, p.wo], ([values], out) => avgPoolForward(values!, out, p, attrs));
    if (host) return host;
    const framed = frame(x, p, 0);
    const sum = p.tiled
      ? tf.sum(tf.reshape(framed, [p.n, p.c, p.ho, p.kh, p.wo, p.kw]), [3, 5])
      : tf.sum(windows(framed, p), 4);
    return tf.div(sum, avgDivisors(p, attrs.pads, attrs.countIncludePad, attrs.divisorOverride));
  }),
};
