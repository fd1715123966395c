import type { KernelConfig } from '@parvus/core';
import { Sigmoid } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { onHostData } from '../impl/host.js';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';

/**
 * On host data, torch's float32 sigmoid step by step: 1 / (1 + exp(−x)), each operation rounded to
 * float32 (this reproduces Brevitas's QuantSigmoid outputs bit for bit, which a float64 formula
 * rounded once does not). Elsewhere the same steps as tfjs ops, exact where tfjs's exp is.
 */
export const sigmoidConfig: KernelConfig = {
  kernelName: Sigmoid,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Sigmoid, (x, backend) =>
    onHostData(backend, [x], x.shape, ([values], out) => {
      const fr = Math.fround;
      for (let i = 0; i < out.length; i++) out[i] = 1 / fr(1 + fr(Math.exp(-(values![i] as number))));
    }) ?? tf.div(1, tf.add(1, tf.exp(tf.neg(x))))),
};
