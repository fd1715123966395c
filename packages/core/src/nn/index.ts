// Modules: the Module base class, float layers, losses and weight initialisation.
/** Every layer under one namespace, PyTorch style: `new nn.Conv2d({...})`, `new nn.Sigmoid()`. */
export * as nn from './layers/index.js';
export { Module, StateDictError } from './module.js';
export type {
  StateDict,
  StateDictLike,
  LoadStateDictOptions,
  LoadStateDictResult,
  LoadStateDictContext,
  StateDictMismatch,
} from './module.js';
export {
  calculateFanInAndFanOut,
  calculateGain,
  defaultWeightAndBias,
  kaimingUniform,
  kaimingUniformBound,
  uniformInit,
  uniformValues,
} from './init.js';
export type { KaimingUniformOptions, Nonlinearity } from './init.js';
// Option validation and Python repr formatting, for layers defined outside this folder too.
export {
  booleanOption,
  checkOptionKeys,
  intOption,
  numberOption,
  pairOption,
  pythonBool,
  pythonFloat,
  pythonIntOrTuple,
  pythonTuple,
} from './options.js';
export type { IntOrPair } from './options.js';
export { Identity } from './layers/identity.js';
export { Linear } from './layers/linear.js';
export type { LinearOptions } from './layers/linear.js';
export { ConvNd, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from './layers/conv.js';
export type { Conv1dOptions, Conv2dOptions, ConvTranspose1dOptions, ConvTranspose2dOptions } from './layers/conv.js';
// Sigmoid and Tanh are not exported flat: core's index also re-exports the kernel-name constants
// `Sigmoid` and `Tanh`, and two `export *` of one name cancel out. Use `nn.Sigmoid` / `nn.Tanh`.
export { ReLU, Hardtanh } from './layers/activation.js';
export type { HardtanhOptions } from './layers/activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './layers/pooling.js';
export type { MaxPool2dOptions, AvgPool2dOptions, AdaptiveAvgPool2dOptions } from './layers/pooling.js';
export { Flatten } from './layers/flatten.js';
export type { FlattenOptions } from './layers/flatten.js';
export { Dropout } from './layers/dropout.js';
export type { DropoutOptions } from './layers/dropout.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d } from './layers/batchnorm.js';
export type { BatchNormOptions } from './layers/batchnorm.js';
export { Sequential } from './layers/sequential.js';
export { CrossEntropyLoss, NLLLoss, MSELoss } from './layers/loss.js';
export type { LossOptions } from './layers/loss.js';
// Quantized layers (Brevitas's brevitas.nn)
export * from './quant/index.js';
