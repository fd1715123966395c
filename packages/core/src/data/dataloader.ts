import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import type { TypedArray } from '../kernels/tensor-info.js';
import { sizeOf, typedArrayFor } from '../kernels/tensor-info.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { checkOptionKeys } from '../util/options.js';
import { formatShape } from '../util/shape.js';
import type { Dataset, FieldSpec, FieldValue } from './dataset.js';
import { randomSeedLow32, randperm } from './sampler.js';

export interface DataLoaderOptions {
  /** Examples per batch (default 1). */
  batchSize?: number;
  /** A new random order every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Draw the order from this generator (default: the default generator, as torch). */
  generator?: Generator;
}

const OPTION_KEYS = ['batchSize', 'shuffle', 'dropLast', 'generator'];

/**
 * Batches of a dataset (torch.utils.data.DataLoader, single process). Iterating yields one
 * array per batch with one tensor per field, [batch, ...field shape]; each is assembled in one
 * typed array and becomes one tensor. The batch tensors belong to the caller: dispose them, or
 * iterate inside a `tidy`.
 *
 * Shuffling follows torch 1.13's DataLoader + RandomSampler draw for draw: each epoch takes an
 * int64 base seed from the generator (2 draws, shuffled or not); with an explicit generator the
 * order is randperm(n, generator) (and the sampler draws one more permutation once exhausted);
 * without one it seeds a fresh generator from the default generator and permutes with that.
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | null;
  private readonly fieldSizes: number[];

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    checkOptionKeys('DataLoader', options, OPTION_KEYS, [], `new DataLoader(dataset, { ${OPTION_KEYS.join(', ')} })`);
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new ValueError('DataLoader: the dataset must have an integer `length` and a `get(index)` method.');
    }
    if (!Array.isArray(dataset.fields) || dataset.fields.length === 0) {
      throw new ValueError('DataLoader: the dataset must describe its fields ([{ shape, dtype }, ...]).');
    }
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: option 'batchSize' must be a positive integer, got ${String(options.batchSize)}.`);
    }
    for (const name of ['shuffle', 'dropLast'] as const) {
      const value = options[name];
      if (value !== undefined && typeof value !== 'boolean') throw new ValueError(`DataLoader: option '${name}' must be true or false, got ${String(value)}.`);
    }
    if (options.generator !== undefined && !(options.generator instanceof Generator)) {
      throw new ValueError("DataLoader: option 'generator' must be a Generator.");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? null;
    this.fieldSizes = dataset.fields.map((f) => sizeOf(f.shape));
  }

  /** Batches per epoch (PyTorch's len(loader)). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    // torch's _BaseDataLoaderIter takes an int64 base seed from the loader's generator.
    randomSeedLow32(this.generator ?? getDefaultGenerator());
    const order = this.order(n);
    const full = Math.floor(n / this.batchSize);
    for (let b = 0; b < full; b++) yield this.batch(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    // RandomSampler ends with randperm(n)[:0] once exhausted, which still draws from the generator.
    if (this.shuffle && this.generator) randperm(n, this.generator);
    if (n > full * this.batchSize && !this.dropLast) yield this.batch(order.slice(full * this.batchSize));
  }

  /** The epoch's example order (RandomSampler's first permutation, when shuffling). */
  private order(n: number): number[] {
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    if (this.generator) return randperm(n, this.generator);
    // Without a generator, RandomSampler seeds a fresh one from the default generator.
    return randperm(n, new Generator(randomSeedLow32(getDefaultGenerator())));
  }

  /** One tensor per field for the examples `indices`. */
  private batch(indices: readonly number[]): Tensor[] {
    const fields = this.dataset.fields;
    const count = indices.length;
    const out = fields.map((field, f) => typedArrayFor(field.dtype, count * (this.fieldSizes[f] as number)));
    if (this.dataset.getBatch) {
      this.dataset.getBatch(indices, out);
    } else {
      indices.forEach((index, b) => {
        const example = this.dataset.get(index);
        if (!example || example.length !== fields.length) {
          throw new ValueError(`DataLoader: example ${index} has ${example?.length ?? 0} fields, the dataset declares ${fields.length}.`);
        }
        example.forEach((value, f) => write(out[f] as TypedArray, b, this.fieldSizes[f] as number, value, fields[f] as FieldSpec, index, f));
      });
    }
    return fields.map((field, f) => engine().makeTensor(out[f] as TypedArray, [count, ...field.shape], field.dtype));
  }
}

function write(target: TypedArray, b: number, size: number, value: FieldValue, field: FieldSpec, index: number, f: number): void {
  if (typeof value === 'number' || typeof value === 'boolean') {
    if (size !== 1) throw new ShapeError(`DataLoader: field ${f} of example ${index} is a number, but the field has shape ${formatShape(field.shape)}.`);
    target[b] = Number(value);
    return;
  }
  if (value.length !== size) {
    throw new ShapeError(`DataLoader: field ${f} of example ${index} has ${value.length} values, the field's shape ${formatShape(field.shape)} needs ${size}.`);
  }
  if (ArrayBuffer.isView(value)) {
    target.set(value as unknown as ArrayLike<number>, b * size);
  } else {
    const offset = b * size;
    for (let i = 0; i < size; i++) target[offset + i] = value[i] as number;
  }
}
