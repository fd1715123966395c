// Optimizers and learning-rate schedulers.
export { Optimizer, checkNonNegative, withDefaults } from './optimizer.js';
export type {
  BaseOptimizerOptions,
  OptimizerParams,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR } from './lr-scheduler.js';
export type { LRSchedulerStateDict, StepLROptions, CosineAnnealingLROptions } from './lr-scheduler.js';
