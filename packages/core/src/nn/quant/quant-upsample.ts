/**
 * Brevitas's QuantUpsample, QuantUpsamplingNearest2d and QuantUpsamplingBilinear2d. Nearest keeps
 * the values (and the QuantTensor metadata); bilinear re-rounds to the input's scale, so it needs
 * a QuantTensor input.
 */
import type { Tensor } from '../../engine/tensor.js';
import { Module } from '../module.js';
import { ConfigurationError } from '../../errors/errors.js';
import { div, mul } from '../../ops/binary.js';
import { interpolate } from '../../ops/interpolate.js';
import { roundSte } from '../../function/ops-ste.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { checkOptionKeys, pythonFloat } from '../options.js';
import { packOutput } from './quant-layer.js';

export interface QuantUpsampleOptions {
  size?: number | readonly [number, number];
  scaleFactor?: number | readonly [number, number];
  mode?: 'nearest' | 'bilinear';
  alignCorners?: boolean | null;
  /** Default true. */
  returnQuantTensor?: boolean;
}

const KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners', 'returnQuantTensor'];

export class QuantUpsample extends Module {
  readonly size: number | readonly [number, number] | null;
  readonly scaleFactor: number | readonly [number, number] | null;
  readonly mode: 'nearest' | 'bilinear';
  readonly alignCorners: boolean | null;
  returnQuantTensor: boolean;

  constructor(options: QuantUpsampleOptions = {}, name = 'QuantUpsample') {
    super();
    checkOptionKeys(name, options, KEYS, []);
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    this.returnQuantTensor = options.returnQuantTensor ?? true;
  }

  override extraRepr(): string {
    const what = this.scaleFactor !== null
      ? `scale_factor=${typeof this.scaleFactor === 'number' ? pythonFloat(this.scaleFactor) : `(${this.scaleFactor.map((v) => pythonFloat(v)).join(', ')})`}`
      : `size=${String(this.size)}`;
    return `${what}, mode='${this.mode}'`;
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const resize = (x: Tensor): Tensor =>
      interpolate(x, {
        ...(this.size !== null ? { size: this.size } : {}),
        ...(this.scaleFactor !== null ? { scaleFactor: this.scaleFactor } : {}),
        mode: this.mode,
        alignCorners: this.alignCorners,
      });
    if (!(input instanceof IntQuantTensor)) {
      if (this.mode !== 'nearest') {
        // Brevitas reads the input's `.value`; a plain tensor has none.
        throw new ConfigurationError("'Tensor' object has no attribute 'value'", { brevitasType: 'AttributeError' });
      }
      return packOutput(this.returnQuantTensor, resize(input));
    }
    let value = resize(input.value);
    // Interpolated values fall between grid points: put them back on the input's grid.
    if (this.mode !== 'nearest') value = mul(roundSte(div(value, input.scale)), input.scale);
    return packOutput(this.returnQuantTensor, input.with({ value }));
  }
}

export class QuantUpsamplingNearest2d extends QuantUpsample {
  constructor(options: Omit<QuantUpsampleOptions, 'mode' | 'alignCorners'> = {}) {
    super({ ...options, mode: 'nearest' }, 'QuantUpsamplingNearest2d');
  }
}

/** Bilinear with alignCorners (as torch.nn.UpsamplingBilinear2d). */
export class QuantUpsamplingBilinear2d extends QuantUpsample {
  constructor(options: Omit<QuantUpsampleOptions, 'mode' | 'alignCorners'> = {}) {
    super({ ...options, mode: 'bilinear', alignCorners: true }, 'QuantUpsamplingBilinear2d');
  }
}
