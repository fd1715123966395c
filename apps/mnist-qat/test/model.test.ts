import { Generator, IntQuantTensor, QuantConv2d, QuantIdentity, QuantLinear, QuantReLU, nn, noGrad, randn, setBackend, tidy } from '@parvus/core';
import type { Conv2dOptions, LinearOptions, Module } from '@parvus/core';
import '@parvus/backend-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { LeNet5, floatLayers } from '../src/model.js';
import type { LeNet5Layers } from '../src/model.js';
import { parseQuantConfig } from '../src/quant-config.js';
import { mseWeightScale } from '../src/quant-layers.js';
import { quantizedFromFloat } from '../src/run.js';

describe('LeNet5', () => {
  beforeAll(() => setBackend('reference'));

  it('has PyTorch\'s layout, state-dict keys and repr', () => {
    const model = new LeNet5({ generator: new Generator(0) });
    expect([...model.stateDict().keys()]).toEqual([
      'conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias',
      'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias',
    ]);
    expect(model.parameterCount()).toBe(44_426);
    expect(model.namedWeights().map(([name, w]) => [name, w.shape])).toEqual([
      ['conv1.weight', [6, 1, 5, 5]], ['conv2.weight', [16, 6, 5, 5]], ['fc1.weight', [120, 256]], ['fc2.weight', [84, 120]], ['fc3.weight', [10, 84]],
    ]);
    expect(model.toString()).toBe([
      'LeNet5(',
      '  (quantInput): Identity()',
      '  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))',
      '  (relu1): ReLU()',
      '  (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))',
      '  (relu2): ReLU()',
      '  (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (flatten): Flatten(start_dim=1, end_dim=-1)',
      '  (fc1): Linear(in_features=256, out_features=120, bias=True)',
      '  (relu3): ReLU()',
      '  (fc2): Linear(in_features=120, out_features=84, bias=True)',
      '  (relu4): ReLU()',
      '  (fc3): Linear(in_features=84, out_features=10, bias=True)',
      ')',
    ].join('\n'));
    model.dispose();
  });

  it('maps [N, 1, 28, 28] images to [N, 10] logits; a seed fixes the initial weights', () => {
    const a = new LeNet5({ generator: new Generator(5) });
    const b = new LeNet5({ generator: new Generator(5) });
    const c = new LeNet5({ generator: new Generator(6) });
    const x = randn([3, 1, 28, 28], { generator: new Generator(1) });
    const [ya, yb, yc] = tidy(() => [a, b, c].map((m) => m.forward(x).dataSync()));
    expect(tidy(() => a.forward(x).shape)).toEqual([3, 10]);
    expect(yb).toEqual(ya);
    expect(yc).not.toEqual(ya);
    for (const t of [a, b, c, x]) t.dispose();
  });

  it('builds its weighted layers and activations from a layer factory (the seam for quantized layers)', () => {
    const made: string[] = [];
    const layers: LeNet5Layers = {
      name: 'recording',
      input: (): Module => (made.push('input'), floatLayers.input()),
      conv2d: (o: Conv2dOptions, layer): Module => (made.push(`${layer} ${o.inChannels}→${o.outChannels}`), floatLayers.conv2d(o, layer)),
      linear: (o: LinearOptions, layer): Module => (made.push(`${layer} ${o.inFeatures}→${o.outFeatures}`), floatLayers.linear(o, layer)),
      activation: (layer): Module => (made.push(layer), new nn.Tanh()),
    };
    const model = new LeNet5({ layers });
    expect(made).toEqual(['input', 'conv1 1→6', 'relu1', 'conv2 6→16', 'relu2', 'fc1 256→120', 'relu3', 'fc2 120→84', 'relu4', 'fc3 84→10']);
    expect(model.relu1).toBeInstanceOf(nn.Tanh);
    expect(model.layers.name).toBe('recording');
    model.dispose();
  });
});

describe('quantized LeNet5', () => {
  beforeAll(() => setBackend('reference'));

  it('holds the float weights under the same keys, plus its quantizers\' learned scales', () => {
    const float = new LeNet5({ generator: new Generator(0) });
    const w4a4 = quantizedFromFloat(float, parseQuantConfig('w4a4'));
    expect(w4a4.conv1).toBeInstanceOf(QuantConv2d);
    expect(w4a4.fc3).toBeInstanceOf(QuantLinear);
    expect(w4a4.relu1).toBeInstanceOf(QuantReLU);
    expect(w4a4.quantInput).toBeInstanceOf(QuantIdentity);
    const keys = [...w4a4.stateDict().keys()];
    for (const key of float.stateDict().keys()) expect(keys).toContain(key);
    // The learned weight scales (activation scales appear once statistics have been collected).
    expect(keys.filter((k) => !float.stateDict().has(k))).toEqual(
      ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].map((l) => `${l}.weightQuant.tensorQuant.scalingImpl.value`),
    );
    for (const [name, weight] of float.namedWeights()) expect(w4a4.getParameter(name).dataSync()).toEqual(weight.dataSync());
    // The weight scale starts at the MSE-optimal one: value / 7 for a 4-bit narrow grid.
    const scale = w4a4.getParameter('fc1.weightQuant.tensorQuant.scalingImpl.value').item() / 7;
    expect(scale).toBeCloseTo(mseWeightScale(float.getParameter('fc1.weight').dataSync(), 4), 6);
    // Max-pooling and flattening pass QuantTensors: fc1 sees one and returns the accumulator's.
    const x = randn([2, 1, 28, 28], { generator: new Generator(3) });
    w4a4.eval();
    const out = noGrad(() => tidy(() => {
      let y: unknown = x;
      for (const [name, layer] of w4a4.namedChildren()) {
        if (name === 'fc1') return y instanceof IntQuantTensor ? [y.bitWidth.item(), y.signed] : null;
        y = layer.forward(y);
      }
      return null;
    }));
    expect(out).toEqual([4, false]);
    expect(tidy(() => w4a4.forward(x).shape)).toEqual([2, 10]);
    for (const m of [float, w4a4, x]) m.dispose();
  });

  it('uses binary weights with a learned ±α for 1-bit weights, α starting at mean |w|', () => {
    const float = new LeNet5({ generator: new Generator(1) });
    const w1a4 = quantizedFromFloat(float, parseQuantConfig('w1a4'));
    const conv2 = w1a4.conv2 as QuantConv2d;
    const weights = float.getParameter('conv2.weight').dataSync();
    const meanAbs = Array.from(weights).reduce((s, v) => s + Math.abs(v), 0) / weights.length;
    const q = noGrad(() => tidy(() => {
      const quant = conv2.quantWeight() as IntQuantTensor;
      return { values: [...new Set(Array.from(quant.value.dataSync()))].sort((a, b) => a - b), scale: quant.scale.item(), bits: quant.bitWidth.item() };
    }));
    expect(q.bits).toBe(1);
    expect(q.scale).toBeCloseTo(meanAbs, 6);
    expect(q.values).toEqual([-q.scale, q.scale].map(Math.fround));
    for (const m of [float, w1a4]) m.dispose();
  });

  it('finds the scale that minimises the squared quantization error', () => {
    // Uniform weights in [−1, 1]: the 2-bit narrow grid {−s, 0, s} is best at s = 2/3 (thresholds ±1/3).
    const weights = Float32Array.from({ length: 3001 }, (_, i) => -1 + (2 * i) / 3000);
    expect(mseWeightScale(weights, 2)).toBeCloseTo(2 / 3, 2);
    expect(mseWeightScale(weights, 1)).toBeCloseTo(0.5, 3);
    // 8 bits: no clipping is worth it for uniform weights.
    expect(mseWeightScale(weights, 8)).toBeGreaterThan(0.99 / 127);
    expect(mseWeightScale(new Float32Array(4), 4)).toBe(1);
  });
});
