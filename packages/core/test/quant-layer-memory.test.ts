// Quantized layers own every tensor they create: disposing one leaves the live tensor count where
// it was before it was built, whatever its quantizers (learned, constant, statistics) build.
import { describe, expect, it } from 'vitest';
import '@parvus/backend-reference';
import {
  Int32Bias,
  Int8ActPerTensorFloatMinMaxInit,
  Int8WeightPerTensorFixedPoint,
  QuantHardTanh,
  QuantConv2d,
  QuantIdentity,
  QuantLinear,
  QuantReLU,
  ScalingImplType,
  SignedBinaryActPerTensorConst,
  SignedBinaryWeightPerTensorConst,
  memory,
  scalar,
} from '@parvus/core';
import type { Module } from '@parvus/core';

function leftAfterDispose(make: () => Module): number {
  const before = memory().numTensors;
  make().dispose();
  return memory().numTensors - before;
}

describe('quantized layers free what they build', () => {
  it.each([
    ['QuantIdentity', () => new QuantIdentity({ bitWidth: 8 })],
    ['QuantReLU', () => new QuantReLU({ bitWidth: 4 })],
    ['QuantLinear, Int32Bias', () => new QuantLinear({ inFeatures: 4, outFeatures: 3, biasQuant: Int32Bias })],
    // A learned weight scale from a number: its init scalar and restricted form are intermediates.
    ['QuantLinear, PARAMETER scale', () => new QuantLinear({ inFeatures: 4, outFeatures: 3, weightScalingImplType: ScalingImplType.PARAMETER, weightScalingConst: 0.3 })],
    ['QuantConv2d, PARAMETER power-of-two scale', () => new QuantConv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, weightQuant: Int8WeightPerTensorFixedPoint, weightScalingImplType: ScalingImplType.PARAMETER, weightScalingConst: 0.5 })],
    ['QuantLinear, learned binary scale', () => new QuantLinear({ inFeatures: 4, outFeatures: 3, weightQuant: SignedBinaryWeightPerTensorConst, weightScalingImplType: ScalingImplType.PARAMETER, weightScalingConst: 0.05 })],
    // min/max-initialised scales, learned and constant: the init tensor is the scaling's own intermediate.
    ['QuantHardTanh (MinMaxInit)', () => new QuantHardTanh({ actQuant: Int8ActPerTensorFloatMinMaxInit, minVal: -2, maxVal: 2 })],
    ['QuantIdentity (SignedBinaryActPerTensorConst)', () => new QuantIdentity({ actQuant: SignedBinaryActPerTensorConst })],
  ])('%s', (_name, make) => {
    expect(leftAfterDispose(make)).toBe(0);
  });

  it('a tensor scalingInit stays the caller\'s', () => {
    const init = scalar(0.25);
    expect(leftAfterDispose(() => new QuantLinear({ inFeatures: 4, outFeatures: 3, weightScalingImplType: ScalingImplType.PARAMETER, weightScalingInit: init }))).toBe(0);
    expect(leftAfterDispose(() => new QuantLinear({ inFeatures: 4, outFeatures: 3, weightQuant: SignedBinaryWeightPerTensorConst, weightScalingInit: init }))).toBe(0);
    expect(init.item()).toBe(0.25);
    init.dispose();
  });
});
