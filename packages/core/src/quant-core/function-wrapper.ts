/**
 * Brevitas's brevitas.core.function_wrapper: small modules that wrap one function, so that a
 * quantizer can swap them (round vs floor, clamp vs clamp-STE, views for statistics).
 */
import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import { Module } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { abs, log2 } from '../ops/unary.js';
import { pow, greaterEqual } from '../ops/binary.js';
import { clamp, where } from '../ops/selection.js';
import { permute, reshape } from '../ops/shape.js';
import { customOp } from '../autograd/custom-op.js';
import { ceilSte, floorSte, roundSte } from '../function/ops-ste.js';
import { tensorClamp, tensorClampSte } from '../function/ops.js';
import { ValueError } from '../errors/errors.js';

/** Brevitas's function_wrapper Identity (repr `Identity()`). */
export class Identity extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class RoundSte extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return roundSte(x);
  }
}

export class CeilSte extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return ceilSte(x);
  }
}

export class FloorSte extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return floorSte(x);
  }
}

/** Clamp with no gradient where clamped (Brevitas's default for activations). */
export class TensorClamp extends Module {
  static readonly dependencies = {};
  forward(x: Tensor, minVal: Tensor, maxVal: Tensor): Tensor {
    return tensorClamp(x, minVal, maxVal);
  }
}

/** Clamp with a straight-through gradient (Brevitas's default for weights). */
export class TensorClampSte extends Module {
  static readonly dependencies = {};
  forward(x: Tensor, minVal: Tensor, maxVal: Tensor): Tensor {
    return tensorClampSte(x, minVal, maxVal);
  }
}

/**
 * Clamp magnitudes from below, keeping the sign (x ≥ 0 → max(x, m); x < 0 → min(x, −m)), with
 * a straight-through gradient. Used for `scalingMinVal`: an all-zero statistic becomes m.
 */
export class ScalarSignedClampMinSte extends Module {
  static readonly dependencies = { minVal: REQUIRED };
  readonly minVal: number;

  constructor(deps: { minVal: number } | number) {
    super();
    this.minVal = typeof deps === 'number' ? deps : deps.minVal;
  }

  forward(x: Tensor): Tensor {
    const m = this.minVal;
    return customOp('scalarSignedClampMinSte', [x], () => where(greaterEqual(x, 0), clamp(x, m, null), clamp(x, null, -m)), (dy) => [dy]);
  }
}

/** |x| (Brevitas's function_wrapper.misc.Abs). */
export class Abs extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return abs(x);
  }
}

/** 2^x. */
export class PowerOfTwo extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return pow(2, x);
  }
}

/** log2(x). */
export class LogTwo extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return log2(x);
  }
}

/** Reorders dimensions (for per-channel statistics). */
export class PermuteDims extends Module {
  static readonly dependencies = { permuteDims: REQUIRED };
  readonly dims: readonly number[];

  constructor(deps: { permuteDims: readonly number[] }) {
    super();
    this.dims = deps.permuteDims;
  }

  forward(x: Tensor): Tensor {
    return permute(x, this.dims);
  }
}

/** A flat view of the whole tensor: statistics over every element. */
export class OverTensorView extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return reshape(x, [-1]);
  }
}

/**
 * [C, everything else]: statistics per output channel. Weights have channels first already;
 * activations get `permuteDims` first (e.g. (1, 0, 2, 3) for NCHW).
 */
export class OverOutputChannelView extends Module {
  static readonly dependencies = { permuteDims: null };
  readonly permuteImpl: Module;

  constructor(deps: { permuteDims: readonly number[] | null }) {
    super();
    this.permuteImpl = this.registerModule('permuteImpl', deps.permuteDims ? new PermuteDims({ permuteDims: deps.permuteDims }) : new Identity());
  }

  forward(x: Tensor): Tensor {
    const y = this.permuteImpl.forward(x) as Tensor;
    return reshape(y, [y.shape[0] as number, -1]);
  }
}

/** [N, everything else]: per-sample statistics. */
export class OverBatchOverTensorView extends Module {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0] as number, -1]);
  }
}

/**
 * A tensor held by a module but not saved in its state dict (Brevitas's StatelessBuffer);
 * `forward()` returns it detached.
 */
export class StatelessBuffer extends Module {
  static readonly dependencies = {};
  readonly value: Tensor;

  constructor(value: Tensor) {
    super();
    if (value.gradFn) throw new ValueError('StatelessBuffer: the value must not be on the autograd graph.');
    this.value = this.registerBuffer('value', value, false) as Tensor;
  }

  forward(): Tensor {
    return engine().makeView(this.value, this.value.shape);
  }
}
