import type { KernelConfig } from '@parvus/core';
import { Tanh } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { onHostData } from '../impl/host.js';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';

/**
 * On host data, Math.tanh rounded once to float32, as torch (and the reference backend) compute it:
 * tfjs-wasm's tanh (XNNPACK's approximation) is within the contract's tolerance but differs by an
 * ulp, which QuantTanh's outputs, compared bit for bit with Brevitas, show.
 */
export const tanhConfig: KernelConfig = {
  kernelName: Tanh,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Tanh, (x, backend) =>
    onHostData(backend, [x], x.shape, ([values], out) => {
      for (let i = 0; i < out.length; i++) out[i] = Math.tanh(values![i] as number);
    }) ?? tf.tanh(x)),
};
