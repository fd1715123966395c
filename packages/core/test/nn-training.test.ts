// A small training loop end to end: layers, loss, optimizer, DataLoader and checkpoint,
// with a flat tensor count (no leaks) and a falling loss.
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  DataLoader,
  Dropout,
  Flatten,
  Generator,
  Linear,
  MaxPool2d,
  ReLU,
  SGD,
  Adam,
  Sequential,
  StepLR,
  TensorDataset,
  loadSafetensors,
  manualSeed,
  memory,
  randn,
  saveSafetensors,
  tensor,
  tidy,
} from '@parvus/core';
import type { Tensor } from '@parvus/core';
import '@parvus/backend-reference';

/** 16 images 8×8; the class is the brightest of three horizontal bands. */
function toyData(): { images: Tensor; labels: Tensor } {
  manualSeed(0);
  const images = randn([16, 1, 8, 8]);
  const pixels = images.dataSync();
  const labels = Array.from({ length: 16 }, (_, n) => {
    const band = (rows: number[]): number => rows.reduce((s, r) => s + Array.from(pixels.subarray(n * 64 + r * 8, n * 64 + r * 8 + 8)).reduce((a, b) => a + b, 0), 0);
    const sums = [band([0, 1]), band([3, 4]), band([6, 7])];
    return sums.indexOf(Math.max(...sums));
  });
  return { images, labels: tensor(labels, [16], 'int32') };
}

function model(withExtras: boolean): Sequential {
  return new Sequential(
    new Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3 }),
    ...(withExtras ? [new BatchNorm2d({ numFeatures: 4 })] : []),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Flatten(),
    ...(withExtras ? [new Dropout({ p: 0.1, generator: new Generator(1) })] : []),
    new Linear({ inFeatures: 4 * 3 * 3, outFeatures: 3 }),
  );
}

describe('training loop', () => {
  it('30 SGD steps of Conv2d+ReLU+MaxPool+Linear: flat tensor count, falling loss', () => {
    const { images, labels } = toyData();
    const net = model(false);
    const lossFn = new CrossEntropyLoss();
    const optimizer = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = lossFn.forward(net.forward(images), labels);
        l.backward();
        optimizer.step();
        return l.item();
      });
      losses.push(loss);
      counts.push(memory().numTensors);
    }
    // After the first step (momentum buffers and gradients appear) nothing accumulates.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(losses[29] as number).toBeLessThan((losses[0] as number) * 0.5);
    net.eval();
    const accuracy = tidy(() => net.forward(images).argmax(1).equal(labels).float().mean().item());
    expect(accuracy).toBeGreaterThan(0.8);
    const before = memory().numTensors;
    optimizer.dispose();
    net.dispose();
    expect(memory().numTensors).toBeLessThan(before);
    images.dispose();
    labels.dispose();
  });

  it('with BatchNorm, Dropout, Adam, a scheduler and a DataLoader, then a checkpoint round trip', () => {
    const { images, labels } = toyData();
    const net = model(true);
    const lossFn = new CrossEntropyLoss();
    const optimizer = new Adam(net.parameters(), { lr: 0.02 });
    const scheduler = new StepLR(optimizer, { stepSize: 10, gamma: 0.5 });
    const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 8, shuffle: true, generator: new Generator(3) });
    const epochLosses: number[] = [];
    const counts: number[] = [];
    for (let e = 0; e < 15; e++) {
      let total = 0;
      tidy(() => {
        for (const [x, y] of loader) {
          total += tidy(() => {
            optimizer.zeroGrad();
            const l = lossFn.forward(net.forward(x as Tensor), y as Tensor);
            l.backward();
            optimizer.step();
            return l.item();
          });
        }
      });
      scheduler.step();
      epochLosses.push(total / loader.length);
      counts.push(memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(epochLosses[14] as number).toBeLessThan((epochLosses[0] as number) * 0.5);
    expect(optimizer.paramGroups[0]?.lr).toBeCloseTo(0.02 * 0.5, 12);
    expect(Array.from(net.getBuffer('1.numBatchesTracked').dataSync())).toEqual([30]);
    // Eval output survives a checkpoint round trip exactly.
    net.eval();
    const bytes = saveSafetensors(net.stateDict(), { epoch: '15' });
    const restored = model(true).eval();
    const { tensors } = loadSafetensors(bytes);
    restored.loadStateDict(tensors);
    tensors.forEach((t) => t.dispose());
    const [a, b] = tidy(() => [Array.from(net.forward(images).dataSync()), Array.from(restored.forward(images).dataSync())]);
    expect(b).toEqual(a);
    for (const d of [optimizer, net, restored, images, labels]) d.dispose();
  });
});
