/** Small, class-balanced slices of the fixed split, for tests that need a quick run. */
import { PIXELS } from '../src/mnist-data.js';
import type { Mnist, MnistSplit } from '../src/mnist-data.js';

/** Every `stride`-th example of a split (the split is sorted by digit, so every class stays). */
export function everyNth(split: MnistSplit, stride: number): MnistSplit {
  const count = Math.ceil(split.count / stride);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    images.set(split.images.subarray(i * stride * PIXELS, (i * stride + 1) * PIXELS), i * PIXELS);
    labels[i] = split.labels[i * stride] as number;
  }
  return { images, labels, count };
}

export function subset(data: Mnist, stride: number): Mnist {
  return { train: everyNth(data.train, stride), test: everyNth(data.test, stride) };
}
