import { DataLoader, Generator, setBackend } from '@parvus/core';
import type { Tensor } from '@parvus/core';
import '@parvus/backend-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, PIXELS } from '../src/mnist-data.js';
import { MNIST_MEAN, MNIST_STD, MnistDataset, shiftImage } from '../src/mnist-dataset.js';

describe('MnistDataset', () => {
  const data = loadMnist();
  beforeAll(() => setBackend('reference'));

  it('describes [1, 28, 28] float32 images and int32 labels, standardised', () => {
    const dataset = new MnistDataset(data.test);
    expect(dataset.length).toBe(data.test.count);
    expect(dataset.fields).toEqual([{ shape: [1, 28, 28], dtype: 'float32' }, { shape: [], dtype: 'int32' }]);
    const [image, label] = dataset.get(5) as [Float32Array, number];
    expect(label).toBe(data.test.labels[5]);
    const raw = data.test.images.subarray(5 * PIXELS, 6 * PIXELS);
    expect(image[300]).toBeCloseTo(((raw[300] as number) - MNIST_MEAN) / MNIST_STD, 6);
    expect(new MnistDataset(data.test, { normalize: false }).get(5)[0]).toEqual(raw);
    expect(() => dataset.get(dataset.length)).toThrow(/out of range/);
  });

  it('batches through core\'s DataLoader, the fast path agreeing with get()', () => {
    const dataset = new MnistDataset(data.test);
    const loader = new DataLoader(dataset, { batchSize: 7, shuffle: true, generator: new Generator(1) });
    const [images, labels] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(images.shape).toEqual([7, 1, 28, 28]);
    expect(labels.dtype).toBe('int32');
    // The same order again, from the same seed, example by example.
    const order = new DataLoader(dataset, { batchSize: 7, shuffle: true, generator: new Generator(1) });
    const again = order[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(again[0].dataSync()).toEqual(images.dataSync());
    const label0 = labels.dataSync()[0] as number;
    const index = Array.from({ length: dataset.length }, (_, i) => i).find((i) =>
      dataset.labels[i] === label0 && (dataset.get(i)[0] as Float32Array).every((v, p) => v === images.dataSync()[p]));
    expect(index).toBeDefined();
    for (const t of [images, labels, ...again]) t.dispose();
  });

  it('shifts images by whole pixels, filling with background', () => {
    const source = Float32Array.from({ length: PIXELS }, (_, i) => i);
    const target = new Float32Array(PIXELS + 3);
    shiftImage(source, target, 3, 2, -1, -9);
    const at = (x: number, y: number): number => target[3 + y * 28 + x] as number;
    expect(at(5, 5)).toBe(source[6 * 28 + 3]); // moved right 2, up 1
    expect(at(0, 5)).toBe(-9);
    expect(at(1, 10)).toBe(-9);
    expect(at(10, 27)).toBe(-9);
    expect(at(27, 26)).toBe(source[27 * 28 + 25]);
    shiftImage(source, target, 0, 0, 0, -9);
    expect(target.subarray(0, PIXELS)).toEqual(source);
  });

  it('augments reproducibly from its generator, and only when asked', () => {
    const make = (seed: number): MnistDataset => new MnistDataset(data.train, { augment: { maxShift: 2, generator: new Generator(seed) } });
    const a = make(3);
    const b = make(3);
    const plain = new MnistDataset(data.train);
    const reads = Array.from({ length: 20 }, (_, i) => [a.get(i)[0], b.get(i)[0], plain.get(i)[0]] as Float32Array[]);
    for (const [x, y] of reads) expect(x).toEqual(y);
    // Most of 20 digits move (a shift of (0, 0) has probability 1/25).
    expect(reads.filter(([x, , p]) => x!.some((v, i) => v !== p![i])).length).toBeGreaterThan(12);
    expect(() => new MnistDataset(data.train, { augment: { maxShift: 1.5, generator: new Generator(0) } })).toThrow(/maxShift/);
  });

  it('built from another dataset, shares its standardised pixels and reads (and augments) as one built from the split', () => {
    const plain = new MnistDataset(data.train);
    const shared = new MnistDataset(plain, { augment: { maxShift: 2, generator: new Generator(3) } });
    const fromSplit = new MnistDataset(data.train, { augment: { maxShift: 2, generator: new Generator(3) } });
    expect(shared.images).toBe(plain.images);
    expect(shared.labels).toBe(plain.labels);
    expect(shared.background).toBe(fromSplit.background);
    for (let i = 0; i < 20; i++) expect(shared.get(i)).toEqual(fromSplit.get(i));
    expect(() => new MnistDataset(plain, { normalize: false })).toThrow(/normalize/);
  });
});
