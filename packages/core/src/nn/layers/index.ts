// The `nn` namespace: the Module base class and every layer.
export { Module, StateDictError } from '../module.js';
export { Identity } from './identity.js';
export { Linear } from './linear.js';
export { ConvNd, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from './conv.js';
export { ReLU, Sigmoid, Tanh, Hardtanh } from './activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { Flatten } from './flatten.js';
export { Dropout } from './dropout.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d } from './batchnorm.js';
export { Sequential } from './sequential.js';
export { CrossEntropyLoss, NLLLoss, MSELoss } from './loss.js';
