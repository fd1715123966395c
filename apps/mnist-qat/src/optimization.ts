/** The optimizer and learning-rate schedule of a run, from its options. */
import { Adam, CosineAnnealingLR, SGD, StepLR } from '@parvus/core';
import type { LRScheduler, Optimizer, Tensor } from '@parvus/core';

export type OptimizerName = 'sgd' | 'adam';
export type ScheduleName = 'cosine' | 'step' | 'constant';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];
export const SCHEDULES: readonly ScheduleName[] = ['cosine', 'step', 'constant'];

export interface OptimizationOptions {
  optimizer: OptimizerName;
  /** The initial learning rate. */
  lr: number;
  schedule: ScheduleName;
  epochs: number;
}

/** SGD with classical momentum 0.9, or Adam with PyTorch's defaults (betas 0.9, 0.999). */
export function createOptimizer(params: Tensor[], options: OptimizationOptions): Optimizer {
  return options.optimizer === 'sgd'
    ? new SGD(params, { lr: options.lr, momentum: 0.9 })
    : new Adam(params, { lr: options.lr });
}

/**
 * Stepped once per epoch: a cosine decay to 0 over the run, a ×0.1 drop at two thirds of it, or
 * none (constant: no scheduler).
 */
export function createScheduler(optimizer: Optimizer, options: OptimizationOptions): LRScheduler | null {
  switch (options.schedule) {
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: options.epochs });
    case 'step':
      return new StepLR(optimizer, { stepSize: Math.max(1, Math.ceil((2 * options.epochs) / 3)), gamma: 0.1 });
    case 'constant':
      return null;
  }
}

/** The learning rate the optimizer's first group uses now. */
export function currentLr(optimizer: Optimizer): number {
  return optimizer.paramGroups[0]?.lr ?? NaN;
}
