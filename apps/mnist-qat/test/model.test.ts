import { Generator, nn, randn, setBackend, tidy } from '@parvus/core';
import type { Conv2dOptions, LinearOptions, Module } from '@parvus/core';
import '@parvus/backend-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { LeNet5, floatLayers } from '../src/model.js';
import type { LeNet5Layers } from '../src/model.js';

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
      conv2d: (o: Conv2dOptions): Module => (made.push(`conv ${o.inChannels}→${o.outChannels}`), floatLayers.conv2d(o)),
      linear: (o: LinearOptions): Module => (made.push(`linear ${o.inFeatures}→${o.outFeatures}`), floatLayers.linear(o)),
      activation: (): Module => (made.push('act'), new nn.Tanh()),
    };
    const model = new LeNet5({ layers });
    expect(made).toEqual(['conv 1→6', 'act', 'conv 6→16', 'act', 'linear 256→120', 'act', 'linear 120→84', 'act', 'linear 84→10']);
    expect(model.relu1).toBeInstanceOf(nn.Tanh);
    expect(model.layers.name).toBe('recording');
    model.dispose();
  });
});
