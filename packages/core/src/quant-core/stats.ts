/**
 * Brevitas's brevitas.core.stats: the statistics a scale or zero point is computed from. Every
 * statistic reduces either the whole (flattened) input or, with `statsReduceDim`, dimension 1 of
 * a [channels, rest] view.
 */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { ConfigurationError } from '../errors/errors.js';
import { abs } from '../ops/unary.js';
import { sub } from '../ops/binary.js';
import { max, min, kthValue } from '../ops/reduction.js';
import { clamp } from '../ops/selection.js';
import { reshape } from '../ops/shape.js';

/** The dimension per-channel statistics reduce over (Brevitas's SCALING_STATS_REDUCE_DIM). */
export const SCALING_STATS_REDUCE_DIM = 1;

/** Brevitas's AbsPercentile k: 1-indexed, rounded half up. */
function highPercentileK(q: number, count: number): number {
  return Math.floor(0.01 * q * count + 0.5);
}

function lowPercentileK(q: number, count: number): number {
  return Math.ceil(0.01 * q * count);
}

function reducedCount(x: Tensor, reduceDim: number | null): number {
  if (reduceDim === null) return x.size;
  if (x.rank !== 2) throw new ConfigurationError('Only 2-dim input is supported.', { brevitasType: 'AssertionError' });
  return x.shape[reduceDim] as number;
}

/** The k-th smallest value over everything or along `reduceDim` (clamping k into range). */
function percentile(x: Tensor, k: number, reduceDim: number | null, keepdim: boolean): Tensor {
  if (reduceDim === null) return kthValue(reshape(x, [-1]), Math.max(1, Math.min(k, x.size)), 0).values;
  return kthValue(x, Math.max(1, Math.min(k, x.shape[reduceDim] as number)), reduceDim, keepdim).values;
}

/** The high percentile of |x| (Brevitas's AbsPercentile, default q = 99.999). */
export class AbsPercentile extends Module {
  static readonly dependencies = { highPercentileQ: REQUIRED, statsReduceDim: REQUIRED, percentileQ: null, keepdim: false };
  readonly q: number;
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { highPercentileQ: number; statsReduceDim: number | null; percentileQ: number | null; keepdim: boolean }) {
    super();
    if (deps.percentileQ !== null && deps.percentileQ !== undefined) {
      throw new ConfigurationError('percentileQ is deprecated, please pass highPercentileQ.', { brevitasType: 'RuntimeError' });
    }
    if (!(deps.highPercentileQ <= 100)) throw new ConfigurationError('q has to be a percentage', { brevitasType: 'AssertionError' });
    this.q = deps.highPercentileQ;
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    const k = highPercentileK(this.q, reducedCount(x, this.statsReduceDim));
    return percentile(abs(x), k, this.statsReduceDim, this.keepdim);
  }
}

/** The low percentile of x, clamped to ≤ 0 (zero-point statistic of shifted quantizers). */
export class NegativePercentileOrZero extends Module {
  static readonly dependencies = { lowPercentileQ: REQUIRED, statsReduceDim: null, keepdim: false };
  readonly q: number;
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { lowPercentileQ: number; statsReduceDim: number | null; keepdim: boolean }) {
    super();
    this.q = deps.lowPercentileQ;
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    const k = lowPercentileK(this.q, reducedCount(x, this.statsReduceDim));
    return clamp(percentile(x, k, this.statsReduceDim, this.keepdim), null, 0);
  }
}

/** |high percentile − min(low percentile, 0)| (Brevitas's PercentileInterval). */
export class PercentileInterval extends Module {
  static readonly dependencies = { lowPercentileQ: REQUIRED, highPercentileQ: REQUIRED, statsReduceDim: null, keepdim: false };
  readonly lowQ: number;
  readonly highQ: number;
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { lowPercentileQ: number; highPercentileQ: number; statsReduceDim: number | null; keepdim: boolean }) {
    super();
    this.lowQ = deps.lowPercentileQ;
    this.highQ = deps.highPercentileQ;
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    const count = reducedCount(x, this.statsReduceDim);
    const low = clamp(percentile(x, lowPercentileK(this.lowQ, count), this.statsReduceDim, this.keepdim), null, 0);
    const high = percentile(x, highPercentileK(this.highQ, count), this.statsReduceDim, this.keepdim);
    return abs(sub(high, low));
  }
}

/** max |x| (Brevitas's AbsMax). */
export class AbsMax extends Module {
  static readonly dependencies = { statsReduceDim: null, keepdim: false };
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { statsReduceDim: number | null; keepdim: boolean }) {
    super();
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    return this.statsReduceDim === null ? max(abs(x)) : max(abs(x), this.statsReduceDim, this.keepdim);
  }
}

/** |max(x) − min(min(x), 0)| (Brevitas's AbsMinMax). */
export class AbsMinMax extends Module {
  static readonly dependencies = { statsReduceDim: null, keepdim: false };
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { statsReduceDim: number | null; keepdim: boolean }) {
    super();
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    const d = this.statsReduceDim;
    const hi = d === null ? max(x) : max(x, d, this.keepdim);
    const lo = clamp(d === null ? min(x) : min(x, d, this.keepdim), null, 0);
    return abs(sub(hi, lo));
  }
}

/** min(min(x), 0) (zero-point statistic of shifted weight quantizers). */
export class NegativeMinOrZero extends Module {
  static readonly dependencies = { statsReduceDim: null, keepdim: false };
  readonly statsReduceDim: number | null;
  readonly keepdim: boolean;

  constructor(deps: { statsReduceDim: number | null; keepdim: boolean }) {
    super();
    this.statsReduceDim = deps.statsReduceDim;
    this.keepdim = deps.keepdim;
  }

  forward(x: Tensor): Tensor {
    const d = this.statsReduceDim;
    return clamp(d === null ? min(x) : min(x, d, this.keepdim), null, 0);
  }
}

/** A statistic reshaped to the scale's shape (Brevitas's _Stats). */
export class Stats extends Module {
  readonly statsImpl: Module;

  constructor(statsImpl: Module, readonly statsOutputShape: readonly number[]) {
    super();
    this.statsImpl = this.registerModule('statsImpl', statsImpl);
  }

  protected override getName(): string {
    return '_Stats';
  }

  forward(x: Tensor): Tensor {
    return reshape(this.statsImpl.forward(x) as Tensor, this.statsOutputShape);
  }
}

/** The view a parameter's statistics are taken over (Brevitas's _ViewParameter). */
export class ViewParameter extends Module {
  readonly viewShapeImpl: Module;

  constructor(viewShapeImpl: Module) {
    super();
    this.viewShapeImpl = this.registerModule('viewShapeImpl', viewShapeImpl);
  }

  protected override getName(): string {
    return '_ViewParameter';
  }

  forward(x: Tensor): Tensor {
    return this.viewShapeImpl.forward(x) as Tensor;
  }
}

/**
 * Statistics of the tracked parameter (a layer's weight). Parvus tracks one parameter per
 * quantizer (Brevitas also allows sharing one quantizer between layers).
 */
export class ParameterListStats extends Module {
  readonly firstTrackedParam: ViewParameter;
  readonly stats: Stats;

  constructor(statsImpl: Module, statsOutputShape: readonly number[], viewShapeImpl: Module, trackedParameterList: readonly Tensor[]) {
    super();
    if (trackedParameterList.length !== 1) {
      throw new ConfigurationError(
        `A weight quantizer tracks exactly one parameter in Parvus, got ${trackedParameterList.length}; give each layer its own quantizer.`,
      );
    }
    this.firstTrackedParam = this.registerModule('firstTrackedParam', new ViewParameter(viewShapeImpl));
    this.stats = this.registerModule('stats', new Stats(statsImpl, statsOutputShape));
  }

  protected override getName(): string {
    return '_ParameterListStats';
  }

  forward(x: Tensor): Tensor {
    return this.stats.forward(this.firstTrackedParam.forward(x));
  }
}
