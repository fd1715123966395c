import type { KernelConfig } from '@parvus/core';
import { Trunc } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

/** tfjs has no trunc: ceil below zero (ceil(−0.5) = −0), floor elsewhere (NaN and −0 pass). */
function trunc(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.less(x, 0), tf.ceil(x), tf.floor(x));
}

export const truncConfig: KernelConfig = {
  kernelName: Trunc,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Trunc, trunc, (x) => tf.clone(x), anyDType(Math.trunc)),
};
