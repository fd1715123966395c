import type { Tensor } from '../../engine/tensor.js';
import { flatten } from '../../ops/shape.js';
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

  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
