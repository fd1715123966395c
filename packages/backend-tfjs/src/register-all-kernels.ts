/**
 * Registers every tfjs kernel under every Parvus backend name of this package (a loop over the
 * configs, nothing else): the kernels are the same whichever tfjs backend runs them.
 */
import { registerKernel } from '@parvus/core';
import type { KernelConfig } from '@parvus/core';
import { TFJS_BACKEND_NAMES } from './tfjs-runtime.js';
import { absConfig } from './kernels/Abs.js';
import { addConfig } from './kernels/Add.js';
import { argMaxConfig } from './kernels/ArgMax.js';
import { avgPool2DConfig } from './kernels/AvgPool2D.js';
import { avgPool2DGradConfig } from './kernels/AvgPool2DGrad.js';
import { castConfig } from './kernels/Cast.js';
import { ceilConfig } from './kernels/Ceil.js';
import { clipConfig } from './kernels/Clip.js';
import { concatConfig } from './kernels/Concat.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { divConfig } from './kernels/Div.js';
import { equalConfig } from './kernels/Equal.js';
import { expConfig } from './kernels/Exp.js';
import { fakeQuantizeConfig } from './kernels/FakeQuantize.js';
import { fakeQuantizeGradConfig } from './kernels/FakeQuantizeGrad.js';
import { floorConfig } from './kernels/Floor.js';
import { greaterConfig } from './kernels/Greater.js';
import { greaterEqualConfig } from './kernels/GreaterEqual.js';
import { kthValueConfig } from './kernels/KthValue.js';
import { lessConfig } from './kernels/Less.js';
import { lessEqualConfig } from './kernels/LessEqual.js';
import { logConfig } from './kernels/Log.js';
import { log2Config } from './kernels/Log2.js';
import { matMulConfig } from './kernels/MatMul.js';
import { maxConfig } from './kernels/Max.js';
import { maxPool2DConfig } from './kernels/MaxPool2D.js';
import { maxPool2DGradConfig } from './kernels/MaxPool2DGrad.js';
import { maximumConfig } from './kernels/Maximum.js';
import { minConfig } from './kernels/Min.js';
import { minimumConfig } from './kernels/Minimum.js';
import { mulConfig } from './kernels/Mul.js';
import { negConfig } from './kernels/Neg.js';
import { notEqualConfig } from './kernels/NotEqual.js';
import { padConfig } from './kernels/Pad.js';
import { powConfig } from './kernels/Pow.js';
import { reluConfig } from './kernels/Relu.js';
import { roundConfig } from './kernels/Round.js';
import { sigmoidConfig } from './kernels/Sigmoid.js';
import { signConfig } from './kernels/Sign.js';
import { sliceConfig } from './kernels/Slice.js';
import { sqrtConfig } from './kernels/Sqrt.js';
import { subConfig } from './kernels/Sub.js';
import { sumConfig } from './kernels/Sum.js';
import { tanhConfig } from './kernels/Tanh.js';
import { transposeConfig } from './kernels/Transpose.js';
import { truncConfig } from './kernels/Trunc.js';
import { whereConfig } from './kernels/Where.js';

export const tfjsKernelConfigs: KernelConfig[] = [
  absConfig as KernelConfig,
  addConfig as KernelConfig,
  argMaxConfig as KernelConfig,
  avgPool2DConfig as KernelConfig,
  avgPool2DGradConfig as KernelConfig,
  castConfig as KernelConfig,
  ceilConfig as KernelConfig,
  clipConfig as KernelConfig,
  concatConfig as KernelConfig,
  conv2DConfig as KernelConfig,
  conv2DBackpropFilterConfig as KernelConfig,
  conv2DBackpropInputConfig as KernelConfig,
  divConfig as KernelConfig,
  equalConfig as KernelConfig,
  expConfig as KernelConfig,
  fakeQuantizeConfig as KernelConfig,
  fakeQuantizeGradConfig as KernelConfig,
  floorConfig as KernelConfig,
  greaterConfig as KernelConfig,
  greaterEqualConfig as KernelConfig,
  kthValueConfig as KernelConfig,
  lessConfig as KernelConfig,
  lessEqualConfig as KernelConfig,
  logConfig as KernelConfig,
  log2Config as KernelConfig,
  matMulConfig as KernelConfig,
  maxConfig as KernelConfig,
  maxPool2DConfig as KernelConfig,
  maxPool2DGradConfig as KernelConfig,
  maximumConfig as KernelConfig,
  minConfig as KernelConfig,
  minimumConfig as KernelConfig,
  mulConfig as KernelConfig,
  negConfig as KernelConfig,
  notEqualConfig as KernelConfig,
  padConfig as KernelConfig,
  powConfig as KernelConfig,
  reluConfig as KernelConfig,
  roundConfig as KernelConfig,
  sigmoidConfig as KernelConfig,
  signConfig as KernelConfig,
  sliceConfig as KernelConfig,
  sqrtConfig as KernelConfig,
  subConfig as KernelConfig,
  sumConfig as KernelConfig,
  tanhConfig as KernelConfig,
  transposeConfig as KernelConfig,
  truncConfig as KernelConfig,
  whereConfig as KernelConfig,
];

for (const backendName of TFJS_BACKEND_NAMES) {
  for (const config of tfjsKernelConfigs) registerKernel({ ...config, backendName });
}
