/** Elementwise activations (torch.nn.ReLU, Sigmoid, Tanh, Hardtanh). */
import { customOp } from '../../autograd/custom-op.js';
import type { Tensor } from '../../engine/tensor.js';
import { ValueError } from '../../errors/errors.js';
import { greater, less } from '../../ops/binary.js';
import { clamp, logicalAnd, where } from '../../ops/selection.js';
import { relu, sigmoid, tanh } from '../../ops/unary.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { Module } from '../module.js';
import { checkOptionKeys, numberOption, pythonFloat } from '../options.js';

/** max(x, 0) (torch.nn.ReLU). Takes no options. */
export class ReLU extends Module {
  constructor(options?: Record<string, never>) {
    super();
    checkOptionKeys('ReLU', options, []);
  }

  /** A QuantTensor stays one, its metadata unchanged (as Brevitas's relu handler). */
  forward(input: Tensor): Tensor;
  forward(input: IntQuantTensor): IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    return input instanceof IntQuantTensor ? input.relu() : relu(input);
  }
}

/** 1 / (1 + e^−x) (torch.nn.Sigmoid). Takes no options. */
export class Sigmoid extends Module {
  constructor(options?: Record<string, never>) {
    super();
    checkOptionKeys('Sigmoid', options, []);
  }

  forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/** tanh(x) (torch.nn.Tanh). Takes no options. */
export class Tanh extends Module {
  constructor(options?: Record<string, never>) {
    super();
    checkOptionKeys('Tanh', options, []);
  }

  forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

export interface HardtanhOptions {
  /** Default −1. */
  minVal?: number;
  /** Default 1. */
  maxVal?: number;
}

/**
 * clamp(x, minVal, maxVal) (torch.nn.Hardtanh). Its gradient passes strictly inside
 * (minVal, maxVal), as torch's hardtanh_backward (torch.clamp's includes the bounds).
 */
export class Hardtanh extends Module {
  static readonly optionKeys: readonly string[] = ['minVal', 'maxVal'];
  readonly minVal: number;
  readonly maxVal: number;

  constructor(options: HardtanhOptions = {}) {
    super();
    checkOptionKeys('Hardtanh', options, Hardtanh.optionKeys);
    this.minVal = numberOption('Hardtanh', 'minVal', options.minVal ?? -1);
    this.maxVal = numberOption('Hardtanh', 'maxVal', options.maxVal ?? 1);
    if (this.maxVal <= this.minVal) {
      throw new ValueError(`Hardtanh: maxVal (${this.maxVal}) must be greater than minVal (${this.minVal}).`);
    }
  }

  forward(input: Tensor): Tensor {
    const { minVal, maxVal } = this;
    return customOp('hardtanh', [input], () => clamp(input, minVal, maxVal), (dy, [x]) => [
      where(logicalAnd(greater(x as Tensor, minVal), less(x as Tensor, maxVal)), dy, 0),
    ]);
  }

  override extraRepr(): string {
    return `min_val=${pythonFloat(this.minVal)}, max_val=${pythonFloat(this.maxVal)}`;
  }
}
