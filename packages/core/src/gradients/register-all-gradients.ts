/** Registers every gradient definition into the gradient table (imported once by index.ts). */
import { registerGradient } from '../autograd/gradient-registry.js';
import { absGradConfig } from './Abs_grad.js';
import { addGradConfig } from './Add_grad.js';
import { avgPool2DGradConfig } from './AvgPool2D_grad.js';
import { ceilGradConfig } from './Ceil_grad.js';
import { clipGradConfig } from './Clip_grad.js';
import { concatGradConfig } from './Concat_grad.js';
import { conv2DGradConfig } from './Conv2D_grad.js';
import { conv2DBackpropInputGradConfig } from './Conv2DBackpropInput_grad.js';
import { divGradConfig } from './Div_grad.js';
import { expGradConfig } from './Exp_grad.js';
import { fakeQuantizeGradConfig } from './FakeQuantize_grad.js';
import { fakeQuantizeSteClampGradConfig } from './FakeQuantizeSteClamp_grad.js';
import { floorGradConfig } from './Floor_grad.js';
import { kthValueGradConfig } from './KthValue_grad.js';
import { logGradConfig } from './Log_grad.js';
import { log2GradConfig } from './Log2_grad.js';
import { matMulGradConfig } from './MatMul_grad.js';
import { maxGradConfig } from './Max_grad.js';
import { maxPool2DGradConfig } from './MaxPool2D_grad.js';
import { maximumGradConfig } from './Maximum_grad.js';
import { minGradConfig } from './Min_grad.js';
import { minimumGradConfig } from './Minimum_grad.js';
import { mulGradConfig } from './Mul_grad.js';
import { negGradConfig } from './Neg_grad.js';
import { padGradConfig } from './Pad_grad.js';
import { powGradConfig } from './Pow_grad.js';
import { reluGradConfig } from './Relu_grad.js';
import { reshapeGradConfig } from './Reshape_grad.js';
import { roundGradConfig } from './Round_grad.js';
import { sigmoidGradConfig } from './Sigmoid_grad.js';
import { signGradConfig } from './Sign_grad.js';
import { sliceGradConfig } from './Slice_grad.js';
import { sqrtGradConfig } from './Sqrt_grad.js';
import { subGradConfig } from './Sub_grad.js';
import { sumGradConfig } from './Sum_grad.js';
import { tanhGradConfig } from './Tanh_grad.js';
import { transposeGradConfig } from './Transpose_grad.js';
import { truncGradConfig } from './Trunc_grad.js';
import { whereGradConfig } from './Where_grad.js';

const configs = [
  absGradConfig,
  addGradConfig,
  avgPool2DGradConfig,
  ceilGradConfig,
  clipGradConfig,
  concatGradConfig,
  conv2DGradConfig,
  conv2DBackpropInputGradConfig,
  divGradConfig,
  expGradConfig,
  fakeQuantizeGradConfig,
  fakeQuantizeSteClampGradConfig,
  floorGradConfig,
  kthValueGradConfig,
  logGradConfig,
  log2GradConfig,
  matMulGradConfig,
  maxGradConfig,
  maxPool2DGradConfig,
  maximumGradConfig,
  minGradConfig,
  minimumGradConfig,
  mulGradConfig,
  negGradConfig,
  padGradConfig,
  powGradConfig,
  reluGradConfig,
  reshapeGradConfig,
  roundGradConfig,
  sigmoidGradConfig,
  signGradConfig,
  sliceGradConfig,
  sqrtGradConfig,
  subGradConfig,
  sumGradConfig,
  tanhGradConfig,
  transposeGradConfig,
  truncGradConfig,
  whereGradConfig,
];

for (const config of configs) registerGradient(config);
