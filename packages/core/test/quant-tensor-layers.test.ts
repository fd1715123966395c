// Float layers on QuantTensors, as Brevitas's torch-function handlers treat them: max pooling,
// relu, flatten and eval dropout keep the metadata; average pooling refines the grid.
import { describe, expect, it } from 'vitest';
import '@parvus/backend-reference';
import {
  AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, Dropout, Flatten, Generator, Int32Bias, Int8ActPerTensorFloat, IntQuantTensor, MaxPool2d,
  QuantConv1d, QuantConv2d, QuantConvTranspose2d, ReLU, Sequential, randn, scalar, tensor, tidy, unsqueeze,
} from '@parvus/core';
import type { Tensor } from '@parvus/core';

/** Codes −8…7 (4-bit signed) at scale 0.5 as a [1, 1, 4, 4] QuantTensor. */
function sample(training = false): IntQuantTensor {
  const codes = Float32Array.from({ length: 16 }, (_, i) => i - 8);
  return new IntQuantTensor(tensor(codes.map((c) => c * 0.5), [1, 1, 4, 4]), scalar(0.5), scalar(0), scalar(4), true, training);
}

const values = (qt: IntQuantTensor | unknown) => Array.from((qt as IntQuantTensor).value.dataSync());

describe('float layers on QuantTensors', () => {
  it('MaxPool2d, ReLU and Flatten keep scale, zero point, bit width and sign', () => tidy(() => {
    const out = new Sequential(new MaxPool2d({ kernelSize: 2 }), new ReLU(), new Flatten()).forward(sample()) as IntQuantTensor;
    expect(out).toBeInstanceOf(IntQuantTensor);
    // Window maxima of codes −8…7 in 2×2 blocks: −3, −1, 5, 7 → relu → 0, 0, 2.5, 3.5.
    expect(out.shape).toEqual([1, 4]);
    expect(values(out)).toEqual([0, 0, 2.5, 3.5]);
    expect([out.scale.item(), out.zeroPoint.item(), out.bitWidth.item(), out.signed]).toEqual([0.5, 0, 4, true]);
  }));

  it('AvgPool2d averages on a grid of scale / area with the sum\'s bit width', () => tidy(() => {
    const out = new AvgPool2d({ kernelSize: 2 }).forward(sample());
    expect(values(out)).toEqual([-2.75, -1.75, 1.25, 2.25]);
    // 4-bit codes summed over 4: maxUint(4) · 4 = 60 → ceil(log2 60) = 6 bits, scale 0.5 / 4.
    expect([out.scale.item(), out.bitWidth.item()]).toEqual([0.125, 6]);
    expect(out.isValid).toBe(true);
  }));

  it('Dropout is the identity in eval and keeps the metadata in training, as Brevitas', () => tidy(() => {
    const dropout = new Dropout({ p: 0.5, generator: new Generator(1) });
    dropout.eval();
    const x = sample();
    expect(dropout.forward(x)).toBe(x);
    dropout.train();
    const out = dropout.forward(sample(true));
    expect(out.scale.item()).toBe(0.5);
    const kept = values(out).map((v, i) => (v === 0 ? 0 : v / ((i - 8) * 0.5)));
    expect(new Set(kept.filter((r) => r !== 0))).toEqual(new Set([2]));
    expect(kept.some((r) => r === 0)).toBe(true);
  }));

  it('AvgPool2d on a QuantTensor of the wrong rank names the layer', () => tidy(() => {
    const flat = new IntQuantTensor(tensor([1, 2], [2]), scalar(1), scalar(0), scalar(8), false, false);
    expect(() => new AvgPool2d({ kernelSize: 2 }).forward(flat)).toThrow(/AvgPool2d: expected 3D \(unbatched\) or 4D/);
  }));
});

describe('quantized convolutions on unbatched inputs', () => {
  it('QuantConv2d, QuantConv1d and QuantConvTranspose2d take [C, …] as their float layers do, as a batch of one', () => tidy(() => {
    const cases: Array<[Conv2d | Conv1d | ConvTranspose2d, QuantConv2d | QuantConv1d | QuantConvTranspose2d, number[]]> = [
      [new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3 }), new QuantConv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, returnQuantTensor: true, inputQuant: Int8ActPerTensorFloat, biasQuant: Int32Bias }), [2, 5, 5]],
      [new Conv1d({ inChannels: 2, outChannels: 3, kernelSize: 3 }), new QuantConv1d({ inChannels: 2, outChannels: 3, kernelSize: 3 }), [2, 7]],
      [new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 2, stride: 2 }), new QuantConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 2, stride: 2 }), [2, 3, 3]],
    ];
    for (const [float, quant, shape] of cases) {
      const x = randn(shape);
      const batched = quant.forward(unsqueeze(x, 0));
      const unbatched = quant.forward(x);
      const value = (t: unknown): Tensor => (t instanceof IntQuantTensor ? t.value : (t as Tensor));
      expect(value(unbatched).shape).toEqual(float.forward(x).shape);
      expect(Array.from(value(unbatched).dataSync())).toEqual(Array.from(value(batched).dataSync()));
      if (unbatched instanceof IntQuantTensor) {
        // The accumulator scale [1, 1, 1, 1] (per-tensor weights) loses the batch axis with the value.
        expect(unbatched.scale.shape).toEqual([1, 1, 1]);
        expect(Array.from(unbatched.scale.dataSync())).toEqual(Array.from((batched as IntQuantTensor).scale.dataSync()));
        expect(unbatched.isValid).toBe(true);
      }
    }
  }));
});
