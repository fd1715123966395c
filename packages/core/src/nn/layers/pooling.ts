/** 2-D pooling layers (torch.nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d). */
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError, ValueError } from '../../errors/errors.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../../ops/pool.js';
import { squeeze, unsqueeze } from '../../ops/shape.js';
import { formatShape } from '../../util/shape.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { Module } from '../module.js';
import type { IntOrPair } from '../options.js';
import { booleanOption, checkOptionKeys, intOption, pairOption, pythonBool, pythonIntOrTuple } from '../options.js';

/** [N, C, H, W] or unbatched [C, H, W] through `fn`. */
function pool2d(input: Tensor, what: string, fn: (x: Tensor) => Tensor): Tensor {
  checkPoolRank(input, what);
  return input.rank === 4 ? fn(input) : squeeze(fn(unsqueeze(input, 0)), 0);
}

function checkPoolRank(input: Tensor, what: string): void {
  if (input.rank !== 3 && input.rank !== 4) {
    throw new ShapeError(`${what}: expected 3D (unbatched) or 4D (batched) input, but got input of size: ${formatShape(input.shape)}.`);
  }
}

/** Keep the value as given (PyTorch prints `2` or `(2, 2)` as the user wrote it), validated. */
function intOrPair(what: string, name: string, value: unknown, min: number): IntOrPair {
  const pair = pairOption(what, name, value, min);
  return typeof value === 'number' ? pair[0] : pair;
}

export interface MaxPool2dOptions {
  kernelSize: IntOrPair;
  /** Default: kernelSize. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}

/** Max over windows (torch.nn.MaxPool2d). */
export class MaxPool2d extends Module {
  static readonly optionKeys: readonly string[] = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'];
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly ceilMode: boolean;

  constructor(options: MaxPool2dOptions) {
    super();
    checkOptionKeys('MaxPool2d', options, MaxPool2d.optionKeys, ['kernelSize']);
    this.kernelSize = intOrPair('MaxPool2d', 'kernelSize', options.kernelSize, 1);
    this.stride = intOrPair('MaxPool2d', 'stride', options.stride ?? this.kernelSize, 1);
    this.padding = intOrPair('MaxPool2d', 'padding', options.padding ?? 0, 0);
    this.dilation = intOrPair('MaxPool2d', 'dilation', options.dilation ?? 1, 1);
    this.ceilMode = booleanOption('MaxPool2d', 'ceilMode', options.ceilMode ?? false);
    checkHalfKernel('MaxPool2d', this.kernelSize, this.padding);
  }

  /** A QuantTensor stays one, its metadata unchanged (max pooling commutes with quantization). */
  forward(input: Tensor): Tensor;
  forward(input: IntQuantTensor): IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const pool = (value: Tensor) => pool2d(value, 'MaxPool2d', (x) =>
      maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode }));
    return input instanceof IntQuantTensor ? input.quantInvariant(pool) : pool(input);
  }

  override extraRepr(): string {
    return `kernel_size=${pythonIntOrTuple(this.kernelSize)}, stride=${pythonIntOrTuple(this.stride)}, ` +
      `padding=${pythonIntOrTuple(this.padding)}, dilation=${pythonIntOrTuple(this.dilation)}, ceil_mode=${pythonBool(this.ceilMode)}`;
  }
}

function checkHalfKernel(what: string, kernelSize: IntOrPair, padding: IntOrPair): void {
  const k = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  const p = typeof padding === 'number' ? [padding, padding] : padding;
  if ((p[0] as number) > (k[0] as number) / 2 || (p[1] as number) > (k[1] as number) / 2) {
    throw new ValueError(`${what}: padding should be at most half of the effective kernel size, got padding=${pythonIntOrTuple(padding)} and kernelSize=${pythonIntOrTuple(kernelSize)}.`);
  }
}

export interface AvgPool2dOptions {
  kernelSize: IntOrPair;
  /** Default: kernelSize. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

/** Mean over windows (torch.nn.AvgPool2d). */
export class AvgPool2d extends Module {
  static readonly optionKeys: readonly string[] = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(options: AvgPool2dOptions) {
    super();
    checkOptionKeys('AvgPool2d', options, AvgPool2d.optionKeys, ['kernelSize']);
    this.kernelSize = intOrPair('AvgPool2d', 'kernelSize', options.kernelSize, 1);
    this.stride = intOrPair('AvgPool2d', 'stride', options.stride ?? this.kernelSize, 1);
    this.padding = intOrPair('AvgPool2d', 'padding', options.padding ?? 0, 0);
    this.ceilMode = booleanOption('AvgPool2d', 'ceilMode', options.ceilMode ?? false);
    this.countIncludePad = booleanOption('AvgPool2d', 'countIncludePad', options.countIncludePad ?? true);
    this.divisorOverride = options.divisorOverride == null ? null : intOption('AvgPool2d', 'divisorOverride', options.divisorOverride, 1);
    checkHalfKernel('AvgPool2d', this.kernelSize, this.padding);
  }

  /** A QuantTensor gives one on a finer grid, as Brevitas's avg_pool2d handler (IntQuantTensor.avgPool2d). */
  forward(input: Tensor): Tensor;
  forward(input: IntQuantTensor): IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const options = {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    };
    if (input instanceof IntQuantTensor) {
      checkPoolRank(input.value, 'AvgPool2d');
      return input.avgPool2d(this.kernelSize, options);
    }
    return pool2d(input, 'AvgPool2d', (x) => avgPool2d(x, this.kernelSize, options));
  }

  override extraRepr(): string {
    return `kernel_size=${pythonIntOrTuple(this.kernelSize)}, stride=${pythonIntOrTuple(this.stride)}, padding=${pythonIntOrTuple(this.padding)}`;
  }
}

export interface AdaptiveAvgPool2dOptions {
  outputSize: IntOrPair;
}

/** Mean pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends Module {
  static readonly optionKeys: readonly string[] = ['outputSize'];
  readonly outputSize: IntOrPair;

  constructor(options: AdaptiveAvgPool2dOptions) {
    super();
    checkOptionKeys('AdaptiveAvgPool2d', options, AdaptiveAvgPool2d.optionKeys, ['outputSize']);
    this.outputSize = intOrPair('AdaptiveAvgPool2d', 'outputSize', options.outputSize, 1);
  }

  forward(input: Tensor): Tensor {
    return pool2d(input, 'AdaptiveAvgPool2d', (x) => adaptiveAvgPool2d(x, this.outputSize));
  }

  override extraRepr(): string {
    return `output_size=${pythonIntOrTuple(this.outputSize)}`;
  }
}
