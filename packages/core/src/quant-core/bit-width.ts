/** Brevitas's brevitas.core.bit_width: constant and learned bit widths. */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { ConfigurationError } from '../errors/errors.js';
import { scalar } from '../ops/creation.js';
import { add } from '../ops/binary.js';
import { absBinarySignGrad, roundSte } from '../function/ops-ste.js';
import { StatelessBuffer } from './function-wrapper.js';

/** A bit-width module: the bit width as a tensor (a constant one is known without a read, see knownValue). */
export interface BitWidthImpl extends Module {
  forward(): Tensor;
}

function assertIntegerBitWidth(bitWidth: unknown, what: string): asserts bitWidth is number {
  // Brevitas asserts isinstance(bit_width, int) with an empty message; Parvus says what is wrong.
  if (typeof bitWidth !== 'number' || !Number.isInteger(bitWidth)) {
    throw new ConfigurationError(`${what} must be an integer number of bits, got ${typeof bitWidth === 'string' ? `'${bitWidth}'` : String(bitWidth)}.`, {
      brevitasType: 'AssertionError',
    });
  }
}

/** A constant bit width (Brevitas's BitWidthConst). Like Brevitas, 0 and negative widths are accepted. */
export class BitWidthConst extends Module implements BitWidthImpl {
  static readonly dependencies = { bitWidth: REQUIRED };
  readonly bitWidth: StatelessBuffer;

  constructor(deps: { bitWidth: number } | number) {
    super();
    const value = typeof deps === 'number' ? deps : deps.bitWidth;
    assertIntegerBitWidth(value, 'bitWidth');
    this.bitWidth = this.registerModule('bitWidth', new StatelessBuffer(scalar(value)));
  }

  forward(): Tensor {
    return this.bitWidth.forward();
  }
}

/** A learned bit width: minBitWidth + |offset|, rounded with a straight-through estimator. */
export class BitWidthParameter extends Module implements BitWidthImpl {
  static readonly dependencies = { bitWidth: REQUIRED, minBitWidth: 2 };
  readonly bitWidthOffset: Tensor;
  readonly bitWidthBase: StatelessBuffer;

  constructor(deps: { bitWidth: number; minBitWidth: number }) {
    super();
    assertIntegerBitWidth(deps.bitWidth, 'bitWidth');
    assertIntegerBitWidth(deps.minBitWidth, 'minBitWidth');
    if (deps.bitWidth < deps.minBitWidth) {
      throw new ConfigurationError(`bitWidth ${deps.bitWidth} is below minBitWidth ${deps.minBitWidth}.`, { brevitasType: 'AssertionError' });
    }
    this.bitWidthOffset = this.registerParameter('bitWidthOffset', scalar(deps.bitWidth - deps.minBitWidth)) as Tensor;
    this.bitWidthBase = this.registerModule('bitWidthBase', new StatelessBuffer(scalar(deps.minBitWidth)));
  }

  forward(): Tensor {
    return roundSte(add(absBinarySignGrad(this.bitWidthOffset), this.bitWidthBase.forward()));
  }
}
