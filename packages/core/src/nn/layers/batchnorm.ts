/** Batch normalisation (torch.nn.BatchNorm1d, BatchNorm2d). */
import { op, noGrad } from '../../engine/op.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError, ValueError } from '../../errors/errors.js';
import { add, div, mul, square, sub } from '../../ops/binary.js';
import { ones, scalar, zeros } from '../../ops/creation.js';
import { assertFloat } from '../../ops/operands.js';
import { mean } from '../../ops/reduction.js';
import { cast, detach } from '../../ops/selection.js';
import { reshape } from '../../ops/shape.js';
import { sqrt } from '../../ops/unary.js';
import { formatShape } from '../../util/shape.js';
import { Module } from '../module.js';
import { booleanOption, checkOptionKeys, intOption, numberOption, pythonBool, pythonFloat } from '../options.js';

export interface BatchNormOptions {
  numFeatures: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the batch statistic in the running average (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running mean/variance for eval mode (default true). */
  trackRunningStats?: boolean;
}

interface Statistics {
  training: boolean;
  eps: number;
  /**
   * The exponential-average factor, when the running statistics are to be updated: a momentum, or
   * the batch count n for a cumulative average (factor 1/n, computed on the device so that it
   * needs no read: fl32(1/n) and fl32((n − 1)/n) are the values 1/n and 1 − 1/n round to).
   */
  updateFactor: number | { count: Tensor } | null;
}

/**
 * y = (x − mean) / √(var + eps) · weight + bias over axis 1, statistics over every other axis.
 * Returns y and, when updating, the batch mean and unbiased variance (detached).
 */
const batchNorm = op('batchNorm', (
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  stats: Statistics,
): Tensor => {
  const channels = x.shape[1] as number;
  const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1));
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (stats.training) {
    const count = x.size / channels;
    if (count <= 1) {
      throw new ValueError(`Expected more than 1 value per channel when training, got input size ${formatShape(x.shape)}.`);
    }
    const batchMean = mean(x, axes, true);
    const centered = sub(x, batchMean);
    const batchVar = mean(square(centered), axes, true);
    y = div(centered, sqrt(add(batchVar, stats.eps)));
    if (stats.updateFactor !== null && runningMean && runningVar) {
      const factor = stats.updateFactor;
      noGrad(() => {
        const n = typeof factor === 'number' ? null : cast(factor.count, 'float32');
        const [keep, take] = n ? [div(sub(n, 1), n), div(1, n)] : [1 - (factor as number), factor as number];
        const unbiased = mul(detach(batchVar), count / (count - 1));
        runningMean.assign(add(mul(runningMean, keep), mul(reshape(detach(batchMean), [channels]), take)));
        runningVar.assign(add(mul(runningVar, keep), mul(reshape(unbiased, [channels]), take)));
      });
    }
  } else {
    const rm = reshape(runningMean as Tensor, perChannel);
    const rv = reshape(runningVar as Tensor, perChannel);
    y = div(sub(x, rm), sqrt(add(rv, stats.eps)));
  }
  if (weight) y = mul(y, reshape(weight, perChannel));
  if (bias) y = add(y, reshape(bias, perChannel));
  return y;
});

/** What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm). */
export abstract class BatchNorm extends Module {
  static readonly optionKeys: readonly string[] = ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'];
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  protected constructor(what: string, options: BatchNormOptions) {
    super();
    checkOptionKeys(what, options, BatchNorm.optionKeys, ['numFeatures']);
    this.numFeatures = intOption(what, 'numFeatures', options.numFeatures, 1);
    this.eps = numberOption(what, 'eps', options.eps ?? 1e-5, 0);
    this.momentum = options.momentum === null ? null : numberOption(what, 'momentum', options.momentum ?? 0.1, 0, 1);
    this.affine = booleanOption(what, 'affine', options.affine ?? true);
    this.trackRunningStats = booleanOption(what, 'trackRunningStats', options.trackRunningStats ?? true);
    const n = this.numFeatures;
    this.registerParameter('weight', this.affine ? ones([n]) : null);
    this.registerParameter('bias', this.affine ? zeros([n]) : null);
    this.registerBuffer('runningMean', this.trackRunningStats ? zeros([n]) : null);
    this.registerBuffer('runningVar', this.trackRunningStats ? ones([n]) : null);
    this.registerBuffer('numBatchesTracked', this.trackRunningStats ? scalar(0, 'int32') : null);
  }

  get weight(): Tensor | null {
    return this.ownParameter('weight');
  }

  get bias(): Tensor | null {
    return this.ownParameter('bias');
  }

  get runningMean(): Tensor | null {
    return this.ownBuffer('runningMean');
  }

  get runningVar(): Tensor | null {
    return this.ownBuffer('runningVar');
  }

  /** Batches seen in training (int32 scalar; torch keeps int64). */
  get numBatchesTracked(): Tensor | null {
    return this.ownBuffer('numBatchesTracked');
  }

  /** Running mean 0, variance 1, no batches tracked. */
  resetRunningStats(): void {
    const n = this.numFeatures;
    noGrad(() => {
      const assignFresh = (target: Tensor | null, value: Tensor): void => {
        target?.assign(value);
        value.dispose();
      };
      assignFresh(this.runningMean, zeros([n]));
      assignFresh(this.runningVar, ones([n]));
      assignFresh(this.numBatchesTracked, scalar(0, 'int32'));
    });
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    const n = this.numFeatures;
    noGrad(() => {
      if (this.weight) {
        const one = ones([n]);
        this.weight.assign(one);
        one.dispose();
      }
      if (this.bias) {
        const zero = zeros([n]);
        this.bias.assign(zero);
        zero.dispose();
      }
    });
  }

  protected abstract checkInputDim(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    assertFloat(input, this.getName());
    if (input.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.getName()}: input ${formatShape(input.shape)} has ${input.shape[1]} channels, expected numFeatures=${this.numFeatures}.`);
    }
    let updateFactor: Statistics['updateFactor'] = null;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked) {
      noGrad(() => {
        const next = add(tracked, 1);
        tracked.assign(next);
        next.dispose();
      });
      // momentum null: a cumulative moving average over the batches counted so far.
      updateFactor = this.momentum === null ? { count: tracked } : this.momentum;
    }
    // Batch statistics in training, and in eval when there are no running statistics.
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    return batchNorm(input, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: useBatchStats,
      eps: this.eps,
      updateFactor,
    });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pythonFloat(this.momentum);
    return `${this.numFeatures}, eps=${pythonFloat(this.eps)}, momentum=${momentum}, affine=${pythonBool(this.affine)}, ` +
      `track_running_stats=${pythonBool(this.trackRunningStats)}`;
  }
}

/** Batch normalisation over [N, C] or [N, C, L] (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNorm {
  constructor(options: BatchNormOptions) {
    super('BatchNorm1d', options);
  }

  protected checkInputDim(input: Tensor): void {
    if (input.rank !== 2 && input.rank !== 3) {
      throw new ShapeError(`BatchNorm1d: expected 2D or 3D input (got ${input.rank}D input).`);
    }
  }
}

/** Batch normalisation over [N, C, H, W] (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNorm {
  constructor(options: BatchNormOptions) {
    super('BatchNorm2d', options);
  }

  protected checkInputDim(input: Tensor): void {
    if (input.rank !== 4) throw new ShapeError(`BatchNorm2d: expected 4D input (got ${input.rank}D input).`);
  }
}
