/**
 * Learning-rate schedulers (torch.optim.lr_scheduler). Each epoch's rate comes from PyTorch's
 * closed form (`_get_closed_form_lr`) of the epoch count, not from the recursive update that
 * `step()` uses in PyTorch; the two agree up to floating-point rounding.
 */
import { ValueError } from '../errors/errors.js';
import type { BaseOptimizerOptions, Optimizer } from './optimizer.js';
import { checkOptionKeys } from '../util/options.js';

export interface LRSchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
  [option: string]: unknown;
}

export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseOptimizerOptions>;
  /** The rate of each group when the schedule started (each group's `initialLr`). */
  baseLrs: number[];
  /** Epochs stepped so far (−1 before the constructor's first step, as PyTorch). */
  lastEpoch: number;
  private lastLr: number[] = [];

  protected constructor(what: string, optimizer: Optimizer<BaseOptimizerOptions>, lastEpoch: number) {
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new ValueError(`${what}: lastEpoch must be an integer ≥ −1, got ${lastEpoch}.`);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) {
        group.initialLr ??= group.lr;
      } else if (group.initialLr === undefined) {
        throw new ValueError(`${what}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer.`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The rate at `epoch` for a group whose base rate is `baseLr`. */
  protected abstract closedFormLr(baseLr: number, epoch: number): number;

  /** Advance one epoch and set each group's `lr`. */
  step(): void {
    this.lastEpoch += 1;
    this.lastLr = this.optimizer.paramGroups.map((group, i) => {
      group.lr = this.closedFormLr(this.baseLrs[i] as number, this.lastEpoch);
      return group.lr;
    });
  }

  /** The rates the last `step()` set (PyTorch's get_last_lr). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  loadStateDict(state: LRSchedulerStateDict): void {
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = [...state.baseLrs];
    this.lastLr = [...state.lastLr];
  }
}

/** A scheduler's options: known keys only, and the one without a default given. */
function checkSchedulerOptions(what: string, options: unknown, known: readonly string[], required: string): void {
  checkOptionKeys(what, options, known, [required], `new ${what}(optimizer, { ${known.join(', ')} })`);
}

export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Decay factor (default 0.1). */
  gamma?: number;
  /** The epoch to resume after (default −1: start). */
  lastEpoch?: number;
}

/** lr = baseLr · gamma^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer<BaseOptimizerOptions>, options: StepLROptions) {
    checkSchedulerOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch'], 'stepSize');
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = options;
    super('StepLR', optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`StepLR: option 'stepSize' must be an integer ≥ 1, got ${String(stepSize)}.`);
    if (typeof gamma !== 'number' || !Number.isFinite(gamma)) throw new ValueError(`StepLR: option 'gamma' must be a finite number, got ${String(gamma)}.`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.step();
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs of a half cosine period. */
  tMax: number;
  /** Minimum rate (default 0). */
  etaMin?: number;
  /** The epoch to resume after (default −1: start). */
  lastEpoch?: number;
}

/**
 * lr = etaMin + (baseLr − etaMin) · (1 + cos(π · epoch / tMax)) / 2
 * (torch.optim.lr_scheduler.CosineAnnealingLR, closed form; it keeps following the cosine after tMax).
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer<BaseOptimizerOptions>, options: CosineAnnealingLROptions) {
    checkSchedulerOptions('CosineAnnealingLR', options, ['tMax', 'etaMin', 'lastEpoch'], 'tMax');
    const { tMax, etaMin = 0, lastEpoch = -1 } = options;
    super('CosineAnnealingLR', optimizer, lastEpoch);
    if (!Number.isInteger(tMax) || tMax < 1) throw new ValueError(`CosineAnnealingLR: option 'tMax' must be an integer ≥ 1, got ${String(tMax)}.`);
    if (typeof etaMin !== 'number' || !Number.isFinite(etaMin)) throw new ValueError(`CosineAnnealingLR: option 'etaMin' must be a finite number, got ${String(etaMin)}.`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.step();
  }

  protected closedFormLr(baseLr: number, epoch: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
