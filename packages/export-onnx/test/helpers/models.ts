/** Models for the tests: a quantized LeNet-5, and helpers to calibrate a model and read its eval output. */
import * as P from '@parvus/core';
import '@parvus/backend-reference';

/** Seeded normal samples. */
export function randomInput(shape: readonly number[], seed: number): P.Tensor {
  return P.keep(P.randn([...shape], { generator: new P.Generator(seed) }));
}

/** A few training-mode forwards (no gradients) so that runtime statistics give the activation scales. */
export function calibrate(model: P.Module, shape: readonly number[], steps = 3, seed = 100): void {
  model.train();
  P.noGrad(() => {
    for (let i = 0; i < steps; i++) {
      P.tidy(() => {
        const x = P.randn([...shape], { generator: new P.Generator(seed + i) });
        model.forward(x);
      });
    }
  });
  model.eval();
}

/** The model's eval-mode output values (a QuantTensor's value). */
export function evalOutput(model: P.Module, x: P.Tensor): Float32Array {
  model.eval();
  return P.noGrad(() =>
    P.tidy(() => {
      const y = model.forward(x);
      return (y instanceof P.IntQuantTensor ? y.value : (y as P.Tensor)).dataSync().slice() as Float32Array;
    }),
  );
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** How many elements differ by more than `tolerance`. */
export function countDiffering(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 0): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] as number) - (b[i] as number)) > tolerance) n++;
  return n;
}

/** One value of a per-tensor quantizer's scale. */
export function scaleOf(t: P.Tensor | null): number {
  if (!t) throw new Error('the quantizer is disabled');
  return t.dataSync()[0] as number;
}

export interface LeNet5Options {
  weightBitWidth?: number;
  activationBitWidth?: number;
  perChannel?: boolean;
  generator?: P.Generator;
}

/**
 * LeNet-5 for 28×28 digits with quantized layers, laid out as the MNIST program's model:
 * QuantIdentity → conv1 → relu1 → pool1 → conv2 → relu2 → pool2 → flatten → fc1 → relu3 → fc2 →
 * relu4 → fc3 (float logits), with Int32 biases.
 */
export class QuantLeNet5 extends P.Module {
  readonly quantInput: P.QuantIdentity;
  readonly conv1: P.QuantConv2d;
  readonly relu1: P.QuantReLU;
  readonly pool1: P.Module;
  readonly conv2: P.QuantConv2d;
  readonly relu2: P.QuantReLU;
  readonly pool2: P.Module;
  readonly flatten: P.Module;
  readonly fc1: P.QuantLinear;
  readonly relu3: P.QuantReLU;
  readonly fc2: P.QuantLinear;
  readonly relu4: P.QuantReLU;
  readonly fc3: P.QuantLinear;

  constructor(options: LeNet5Options = {}) {
    super();
    const generator = options.generator ?? new P.Generator(0);
    const weight = {
      weightQuant: options.perChannel ? P.Int8WeightPerChannelFloat : P.Int8WeightPerTensorFloat,
      weightBitWidth: options.weightBitWidth ?? 4,
      biasQuant: P.Int32Bias,
      generator,
    };
    const act = { bitWidth: options.activationBitWidth ?? 4, returnQuantTensor: true };
    this.quantInput = this.registerModule('quantInput', new P.QuantIdentity({ returnQuantTensor: true }));
    this.conv1 = this.registerModule('conv1', new P.QuantConv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, ...weight }));
    this.relu1 = this.registerModule('relu1', new P.QuantReLU(act));
    this.pool1 = this.registerModule('pool1', new P.nn.MaxPool2d({ kernelSize: 2 }));
    this.conv2 = this.registerModule('conv2', new P.QuantConv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, ...weight }));
    this.relu2 = this.registerModule('relu2', new P.QuantReLU(act));
    this.pool2 = this.registerModule('pool2', new P.nn.MaxPool2d({ kernelSize: 2 }));
    this.flatten = this.registerModule('flatten', new P.nn.Flatten());
    this.fc1 = this.registerModule('fc1', new P.QuantLinear({ inFeatures: 256, outFeatures: 120, ...weight }));
    this.relu3 = this.registerModule('relu3', new P.QuantReLU(act));
    this.fc2 = this.registerModule('fc2', new P.QuantLinear({ inFeatures: 120, outFeatures: 84, ...weight }));
    this.relu4 = this.registerModule('relu4', new P.QuantReLU(act));
    this.fc3 = this.registerModule('fc3', new P.QuantLinear({ inFeatures: 84, outFeatures: 10, ...weight }));
  }

  /** Max pooling keeps a QuantTensor's grid: pool its value and keep its metadata. */
  private pool(pool: P.Module, x: P.Tensor | P.IntQuantTensor): P.Tensor | P.IntQuantTensor {
    if (x instanceof P.IntQuantTensor) return x.with({ value: pool.forward(x.value) as P.Tensor });
    return pool.forward(x) as P.Tensor;
  }

  forward(input: P.Tensor): P.Tensor {
    let x: P.Tensor | P.IntQuantTensor = this.quantInput.forward(input);
    x = this.relu1.forward(this.conv1.forward(x));
    x = this.pool(this.pool1, x);
    x = this.relu2.forward(this.conv2.forward(x));
    x = this.pool(this.pool2, x);
    x = x instanceof P.IntQuantTensor ? x.with({ value: this.flatten.forward(x.value) as P.Tensor }) : (this.flatten.forward(x) as P.Tensor);
    x = this.relu3.forward(this.fc1.forward(x));
    x = this.relu4.forward(this.fc2.forward(x));
    const logits = this.fc3.forward(x);
    return logits instanceof P.IntQuantTensor ? logits.value : logits;
  }
}

/** One step of fc3's input times the largest row sum of |fc3's quantized weight|. */
export function logitTolerance(model: QuantLeNet5): number {
  const step = scaleOf(model.relu4.quantActScale());
  const weight = P.noGrad(() => {
    const q = model.fc3.quantWeight();
    return (q instanceof P.IntQuantTensor ? q.value : q).dataSync();
  });
  const [outFeatures, inFeatures] = [10, 84];
  let largest = 0;
  for (let o = 0; o < outFeatures; o++) {
    let sum = 0;
    for (let i = 0; i < inFeatures; i++) sum += Math.abs(weight[o * inFeatures + i] as number);
    largest = Math.max(largest, sum);
  }
  return step * largest * (1 + 1e-4) + 1e-5;
}

export function argmaxRows(values: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / classes; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((values[r * classes + c] as number) > (values[r * classes + best] as number)) best = c;
    out.push(best);
  }
  return out;
}
