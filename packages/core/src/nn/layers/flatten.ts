import type { Tensor } from '../../engine/tensor.js';
import { flatten } from '../../ops/shape.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { Module } from '../module.js';
import { checkOptionKeys, intOption } from '../options.js';

export interface FlattenOptions {
  /** Default 1 (keep the batch axis). */
  startDim?: number;
  /** Default −1. */
  endDim?: number;
}

/** Flatten axes startDim..endDim into one (torch.nn.Flatten). */
export class Flatten extends Module {
  static readonly optionKeys: readonly string[] = ['startDim', 'endDim'];
  readonly startDim: number;
  readonly endDim: number;

  constructor(options: FlattenOptions = {}) {
    super();
    checkOptionKeys('Flatten', options, Flatten.optionKeys);
    this.startDim = intOption('Flatten', 'startDim', options.startDim ?? 1, -Infinity);
    this.endDim = intOption('Flatten', 'endDim', options.endDim ?? -1, -Infinity);
  }

  /** A QuantTensor stays one (per-tensor metadata is unchanged by a reshape). */
  forward(input: Tensor): Tensor;
  forward(input: IntQuantTensor): IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    return input instanceof IntQuantTensor ? input.flatten(this.startDim, this.endDim) : flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
