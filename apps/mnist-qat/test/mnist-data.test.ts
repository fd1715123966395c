import { describe, expect, it } from 'vitest';
import { loadMnist, PIXELS } from '../src/mnist-data.js';

describe('MNIST data', () => {
  const data = loadMnist();

  it('splits the 10,000 digits 80/20 per class, deterministically', () => {
    expect(data.train.count + data.test.count).toBe(10_000);
    expect(data.train.images.length).toBe(data.train.count * PIXELS);
    const perClass = new Array<number>(10).fill(0);
    for (const label of data.test.labels) perClass[label] = (perClass[label] ?? 0) + 1;
    // Every class is present in the test split, with roughly a fifth of its ~1,000 samples.
    for (const count of perClass) expect(count).toBeGreaterThan(150);
    // Byte comparison: toEqual on 6.3 million floats takes vitest half a minute.
    const again = loadMnist();
    expect(Buffer.from(again.train.images.buffer).equals(Buffer.from(data.train.images.buffer))).toBe(true);
    expect(Buffer.from(again.test.labels.buffer).equals(Buffer.from(data.test.labels.buffer))).toBe(true);
  });

  it('holds pixels in [0, 1] with real ink', () => {
    let max = 0;
    let min = 1;
    for (const v of data.test.images) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(min).toBe(0);
    expect(max).toBeGreaterThan(0.9);
    expect(max).toBeLessThanOrEqual(1);
  });
});
