/**
 * The MNIST split as a core `Dataset` (torch.utils.data.Dataset): each example is
 * [image [1, 28, 28] float32, label int32]. Pixels are in [0, 1], optionally standardised with
 * the usual MNIST mean and standard deviation (torchvision's `Normalize((0.1307,), (0.3081,))`),
 * and optionally shifted at random by a few pixels each time they are read (augmentation for the
 * training split: 8,000 digits are few, and LeNet-5 overfits them without it).
 */
import type { Dataset, FieldSpec, FieldValue, Generator, TypedArray } from '@parvus/core';
import { IMAGE_SIZE, PIXELS } from './mnist-data.js';
import type { MnistSplit } from './mnist-data.js';

/** The mean and standard deviation of MNIST's 60,000 training pixels, as torchvision's examples use them. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface MnistDatasetOptions {
  /** Standardise pixels to (p − MNIST_MEAN) / MNIST_STD (default true). */
  normalize?: boolean;
  /**
   * Translate each image read by a random whole number of pixels in [−maxShift, maxShift] along
   * each axis (the uncovered border is background), drawing from `generator` (default: none).
   */
  augment?: { maxShift: number; generator: Generator };
}

export class MnistDataset implements Dataset {
  readonly length: number;
  readonly fields: readonly FieldSpec[] = [
    { shape: [1, IMAGE_SIZE, IMAGE_SIZE], dtype: 'float32' },
    { shape: [], dtype: 'int32' },
  ];
  /** Pixels as the model sees them, [length, 784]. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** The value of a blank pixel as the model sees it. */
  readonly background: number;
  private readonly augment: MnistDatasetOptions['augment'] | null;

  /**
   * The examples of `source`: a split, whose pixels are standardised into a new array (unless
   * `normalize` is false), or another MnistDataset, whose pixels as the model sees them and labels
   * are shared, not copied (e.g. an augmenting reader of a split standardised once).
   */
  constructor(source: MnistSplit | MnistDataset, options: MnistDatasetOptions = {}) {
    if (source instanceof MnistDataset) {
      if (options.normalize !== undefined) {
        throw new TypeError("MnistDataset: 'normalize' applies to a split; another dataset's pixels are shared as they are.");
      }
      this.length = source.length;
      this.labels = source.labels;
      this.images = source.images;
      this.background = source.background;
    } else {
      this.length = source.count;
      this.labels = source.labels;
      const normalize = options.normalize ?? true;
      if (normalize) {
        this.images = new Float32Array(source.images.length);
        for (let i = 0; i < source.images.length; i++) this.images[i] = ((source.images[i] as number) - MNIST_MEAN) / MNIST_STD;
      } else {
        this.images = source.images;
      }
      this.background = normalize ? Math.fround(-MNIST_MEAN / MNIST_STD) : 0;
    }
    const augment = options.augment ?? null;
    if (augment && !(Number.isInteger(augment.maxShift) && augment.maxShift >= 0 && augment.maxShift < IMAGE_SIZE)) {
      throw new RangeError(`MnistDataset: augment.maxShift must be an integer in [0, ${IMAGE_SIZE - 1}], got ${augment.maxShift}.`);
    }
    this.augment = augment;
  }

  get(index: number): readonly FieldValue[] {
    this.checkIndex(index);
    const image = new Float32Array(PIXELS);
    this.copyImage(index, image, 0);
    return [image, this.labels[index] as number];
  }

  /** The DataLoader's fast path: copy the examples straight into the batch arrays. */
  getBatch(indices: readonly number[], out: readonly TypedArray[]): void {
    const [images, labels] = out as [Float32Array, Int32Array];
    indices.forEach((index, b) => {
      this.checkIndex(index);
      this.copyImage(index, images, b * PIXELS);
      labels[b] = this.labels[index] as number;
    });
  }

  /** Image `index` into `target` at `offset`, shifted when augmenting. */
  private copyImage(index: number, target: Float32Array, offset: number): void {
    const source = this.images.subarray(index * PIXELS, (index + 1) * PIXELS);
    if (!this.augment || this.augment.maxShift === 0) {
      target.set(source, offset);
      return;
    }
    const { maxShift, generator } = this.augment;
    const span = 2 * maxShift + 1;
    const dy = (generator.random() % span) - maxShift;
    const dx = (generator.random() % span) - maxShift;
    shiftImage(source, target, offset, dx, dy, this.background);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`MnistDataset: index ${index} is out of range for ${this.length} examples.`);
    }
  }
}

/** Copy a 28×28 image moved right by dx and down by dy; pixels moved in from outside are `fill`. */
export function shiftImage(source: Float32Array, target: Float32Array, offset: number, dx: number, dy: number, fill: number): void {
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const sy = y - dy;
    const row = offset + y * IMAGE_SIZE;
    if (sy < 0 || sy >= IMAGE_SIZE) {
      target.fill(fill, row, row + IMAGE_SIZE);
      continue;
    }
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const sx = x - dx;
      target[row + x] = sx < 0 || sx >= IMAGE_SIZE ? fill : (source[sy * IMAGE_SIZE + sx] as number);
    }
  }
}
