// TensorDataset and DataLoader: batching, dtypes, dropLast, seeded shuffling, custom datasets.
import { describe, expect, it } from 'vitest';
import { DataLoader, Generator, TensorDataset, arange, getDefaultGenerator, manualSeed, memory, randperm, tensor, tidy } from '@parvus/core';
import type { Dataset, Tensor } from '@parvus/core';
import '@parvus/backend-reference';

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Ten examples: x[i] = [i, 10 + i] (float32), y[i] = i % 3 (int32), flag[i] = i even (bool). */
function tenExamples(): { dataset: TensorDataset; dispose: () => void } {
  const x = tensor(Array.from({ length: 10 }, (_, i) => [i, 10 + i]));
  const y = tensor(Array.from({ length: 10 }, (_, i) => i % 3), [10], 'int32');
  const flag = tensor(Array.from({ length: 10 }, (_, i) => i % 2 === 0), [10], 'bool');
  const dataset = new TensorDataset(x, y, flag);
  return { dataset, dispose: () => [x, y, flag].forEach((t) => t.dispose()) };
}

/** The example indices of every batch of one epoch (field 1 of x is 10 + index). */
function epoch(loader: DataLoader): number[][] {
  const out: number[][] = [];
  for (const batch of loader) {
    out.push(values(batch[0] as Tensor).filter((_, i) => i % 2 === 1).map((v) => v - 10));
    batch.forEach((t) => t.dispose());
  }
  return out;
}

describe('TensorDataset', () => {
  it('slices tensors along the first axis', () => {
    const { dataset, dispose } = tenExamples();
    expect(dataset.length).toBe(10);
    expect(dataset.fields).toEqual([{ shape: [2], dtype: 'float32' }, { shape: [], dtype: 'int32' }, { shape: [], dtype: 'bool' }]);
    const [x, y, flag] = dataset.get(4);
    expect(Array.from(x as Float32Array)).toEqual([4, 14]);
    expect(y).toBe(1);
    expect(flag).toBe(1);
    expect(() => dataset.get(10)).toThrow(/index 10 is out of range for 10 examples/);
    dispose();
    const a = tensor([1, 2]);
    const b = tensor([1, 2, 3]);
    expect(() => new TensorDataset(a, b)).toThrow(/size mismatch between tensors/);
    a.dispose();
    b.dispose();
  });
});

describe('DataLoader', () => {
  it('batches in order with one tensor per field, keeping dtypes', () => {
    const { dataset, dispose } = tenExamples();
    const loader = new DataLoader(dataset, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const before = memory().numTensors;
    const batches = [...loader];
    // One tensor per field per batch, nothing else.
    expect(memory().numTensors - before).toBe(9);
    expect(batches.map((b) => b.map((t) => t.shape))).toEqual([
      [[4, 2], [4], [4]],
      [[4, 2], [4], [4]],
      [[2, 2], [2], [2]],
    ]);
    const [x, y, flag] = batches[1] as Tensor[];
    expect(values(x as Tensor)).toEqual([4, 14, 5, 15, 6, 16, 7, 17]);
    expect((y as Tensor).dtype).toBe('int32');
    expect(values(y as Tensor)).toEqual([1, 2, 0, 1]);
    expect((flag as Tensor).arraySync()).toEqual([true, false, true, false]);
    batches.flat().forEach((t) => t.dispose());
    dispose();
  });

  it('drops the last incomplete batch with dropLast', () => {
    const { dataset, dispose } = tenExamples();
    const loader = new DataLoader(dataset, { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(epoch(new DataLoader(dataset, { batchSize: 5, dropLast: true }))).toHaveLength(2);
    expect(epoch(new DataLoader(dataset, { batchSize: 11, dropLast: true }))).toEqual([]);
    expect(epoch(new DataLoader(dataset, { batchSize: 11 }))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    dispose();
  });

  it('shuffles every index once per epoch, reproducibly from a seeded generator', () => {
    const { dataset, dispose } = tenExamples();
    const a = new DataLoader(dataset, { batchSize: 3, shuffle: true, generator: new Generator(42) });
    const b = new DataLoader(dataset, { batchSize: 3, shuffle: true, generator: new Generator(42) });
    const a1 = epoch(a);
    expect(a1.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    expect(a1.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(a1.flat()).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    const a2 = epoch(a);
    expect(a2.flat()).not.toEqual(a1.flat());
    expect(epoch(b)).toEqual(a1);
    expect(epoch(b)).toEqual(a2);
    dispose();
  });

  it("follows torch's draws: a base seed per epoch, then randperm from the loader's generator", () => {
    const { dataset, dispose } = tenExamples();
    // Literal orders from torch 1.13: DataLoader(TensorDataset(torch.arange(10)), batch_size,
    // shuffle=True, generator=torch.Generator().manual_seed(7)), two epochs each. The second epoch
    // is only right if the first ended with RandomSampler's extra randperm draw.
    const seeded = new DataLoader(dataset, { batchSize: 10, shuffle: true, generator: new Generator(7) });
    expect(epoch(seeded)).toEqual([[1, 3, 5, 7, 9, 4, 6, 2, 8, 0]]);
    expect(epoch(seeded)).toEqual([[5, 1, 6, 0, 9, 7, 8, 4, 3, 2]]);
    const batched = new DataLoader(dataset, { batchSize: 3, shuffle: true, generator: new Generator(7) });
    expect(epoch(batched)).toEqual([[1, 3, 5], [7, 9, 4], [6, 2, 8], [0]]);
    expect(epoch(batched)).toEqual([[5, 1, 6], [0, 9, 7], [8, 4, 3], [2]]);
    // Without a generator: seeded from the default generator (torch.manual_seed(3), then
    // DataLoader(..., batch_size=10, shuffle=True) for two epochs in torch 1.13).
    manualSeed(3);
    const unseeded = new DataLoader(dataset, { batchSize: 10, shuffle: true });
    expect(epoch(unseeded)).toEqual([[6, 2, 0, 1, 8, 3, 5, 4, 7, 9]]);
    expect(epoch(unseeded)).toEqual([[3, 4, 0, 9, 6, 7, 1, 2, 5, 8]]);
    // Even an unshuffled epoch takes its base seed (two draws) from the default generator.
    manualSeed(3);
    epoch(new DataLoader(dataset, { batchSize: 4 }));
    const after = getDefaultGenerator().random();
    manualSeed(3);
    getDefaultGenerator().random();
    getDefaultGenerator().random();
    expect(getDefaultGenerator().random()).toBe(after);
    dispose();
  });

  it('randperm draws as torch.randperm and is a permutation', () => {
    // torch.randperm(10, generator=torch.Generator().manual_seed(7)) in torch 1.13.
    expect(randperm(10, new Generator(7))).toEqual([5, 0, 3, 4, 1, 7, 9, 6, 8, 2]);
    const g = new Generator(0);
    for (const n of [0, 1, 2, 17]) {
      expect(randperm(n, g).sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('assembles batches from a custom dataset of host arrays', () => {
    // Images as bytes (as MNIST ships them), labels as numbers.
    const images = new Uint8Array(5 * 4).map((_, i) => i);
    const dataset: Dataset = {
      length: 5,
      fields: [{ shape: [1, 2, 2], dtype: 'float32' }, { shape: [], dtype: 'int32' }],
      get: (i) => [images.subarray(i * 4, i * 4 + 4), i * 10],
    };
    const batches = [...new DataLoader(dataset, { batchSize: 2 })];
    expect(batches.map((b) => (b[0] as Tensor).shape)).toEqual([[2, 1, 2, 2], [2, 1, 2, 2], [1, 1, 2, 2]]);
    expect(values(batches[2]?.[0] as Tensor)).toEqual([16, 17, 18, 19]);
    expect(values(batches[1]?.[1] as Tensor)).toEqual([20, 30]);
    batches.flat().forEach((t) => t.dispose());
    const bad: Dataset = { ...dataset, get: () => [[1, 2, 3], 0] };
    expect(() => [...new DataLoader(bad)]).toThrow(/field 0 of example 0 has 3 values, the field's shape \[1, 2, 2\] needs 4/);
    const short: Dataset = { ...dataset, get: () => [[1, 2, 3, 4]] };
    expect(() => [...new DataLoader(short)]).toThrow(/example 0 has 1 fields, the dataset declares 2/);
  });

  it('works inside tidy and validates its options', () => {
    const { dataset, dispose } = tenExamples();
    const before = memory().numTensors;
    tidy(() => {
      for (const [x] of new DataLoader(dataset, { batchSize: 3 })) (x as Tensor).sum();
    });
    expect(memory().numTensors).toBe(before);
    expect(() => new DataLoader(dataset, { batchSize: 0 })).toThrow(/'batchSize' must be a positive integer/);
    expect(() => new DataLoader(dataset, { batch_size: 2 } as never)).toThrow(/unknown option 'batch_size'/);
    expect(() => new DataLoader(dataset, 4 as never)).toThrow(/DataLoader: expected one options object, e.g. new DataLoader\(dataset, \{ batchSize, /);
    expect(() => new DataLoader(dataset, { shuffle: 1 as never })).toThrow(/'shuffle' must be true or false/);
    const x = arange(3);
    expect(() => new DataLoader({ length: 3, get: () => [1] } as unknown as Dataset)).toThrow(/must describe its fields/);
    x.dispose();
    dispose();
  });
});
