import type { AvgPool2DGradAttrs, KernelConfig } from '@parvus/core';
import { AvgPool2DGrad } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastFast } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { onHostData } from '../impl/host.js';
import { avgDivisors, poolPlan, scatterWindows, unframe } from '../impl/pool.js';
import { avgPoolBackward } from '../impl/pool-host.js';

/** Spreads dy / divisor over each window's taps; taps in the padding fall away. */
export const avgPool2DGradConfig: KernelConfig<AvgPool2DGradAttrs> = {
  kernelName: AvgPool2DGrad,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<AvgPool2DGradAttrs>(({ inputs, attrs, backend }) => {
    const dy = inputs[0] as tf.Tensor;
    expectDTypes(AvgPool2DGrad, [dy], ['float32']);
    const p = poolPlan(attrs.inputShape, attrs);
    const host = onHostData(backend, [dy], attrs.inputShape, ([g], out) => avgPoolBackward(g!, out, p, attrs));
    if (host) return host;
    const share = tf.div(dy, avgDivisors(p, attrs.pads, attrs.countIncludePad, attrs.divisorOverride));
    const perTap = broadcastFast(tf.expandDims(share, 4), [p.n, p.c, p.ho, p.wo, p.kh * p.kw]);
    return unframe(scatterWindows(perTap, p), p);
  }),
};
