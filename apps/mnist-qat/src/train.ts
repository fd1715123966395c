/**
 * One epoch of training and one pass of evaluation. Every batch runs inside a `tidy`, so the live
 * tensor count is the same after each step (parameters, gradients and optimizer state only).
 */
import { CrossEntropyLoss, DataLoader, noGrad, tidy } from '@parvus/core';
import type { Dataset, Generator, Module, Optimizer, Tensor } from '@parvus/core';

export interface StepInfo {
  /** 1-based step within the epoch. */
  step: number;
  steps: number;
  loss: number;
  /** Fraction of this batch classified correctly. */
  accuracy: number;
}

export interface EpochMetrics {
  /** Mean loss over the examples. */
  loss: number;
  /** Fraction classified correctly. */
  accuracy: number;
  examples: number;
  seconds: number;
}

export interface TrainEpochOptions {
  batchSize: number;
  /** Shuffles the training set each epoch. */
  generator: Generator;
  onStep?: (info: StepInfo) => void;
}

/** Logits → [summed loss, number correct], as two tensors (read back by the caller). */
function lossAndCorrect(lossFn: CrossEntropyLoss, logits: Tensor, labels: Tensor): [Tensor, Tensor] {
  return [lossFn.forward(logits, labels), logits.argmax(1).equal(labels).cast('int32').sum()];
}

/** Train `model` for one pass over `dataset` (the last, smaller batch included). */
export async function trainEpoch(model: Module, optimizer: Optimizer, dataset: Dataset, options: TrainEpochOptions): Promise<EpochMetrics> {
  const start = performance.now();
  const loader = new DataLoader(dataset, { batchSize: options.batchSize, shuffle: true, generator: options.generator });
  const lossFn = new CrossEntropyLoss();
  model.train();
  let lossSum = 0;
  let correct = 0;
  let examples = 0;
  let step = 0;
  for (const batch of loader) {
    const [images, labels] = batch as [Tensor, Tensor];
    const count = images.shape[0] as number;
    const [loss, hits] = tidy(() => {
      optimizer.zeroGrad();
      const logits = model.forward(images) as Tensor;
      const [l, c] = lossAndCorrect(lossFn, logits, labels);
      l.backward();
      optimizer.step();
      return [l, c];
    });
    const lossValue = (await loss.data())[0] as number;
    const hitCount = (await hits.data())[0] as number;
    for (const t of [loss, hits, images, labels]) t.dispose();
    lossSum += lossValue * count;
    correct += hitCount;
    examples += count;
    step += 1;
    options.onStep?.({ step, steps: loader.length, loss: lossValue, accuracy: hitCount / count });
  }
  return { loss: lossSum / examples, accuracy: correct / examples, examples, seconds: (performance.now() - start) / 1000 };
}

/** Loss and accuracy of `model` (in eval mode, without gradients) over `dataset`. */
export async function evaluate(model: Module, dataset: Dataset, batchSize = 500): Promise<EpochMetrics> {
  const start = performance.now();
  const loader = new DataLoader(dataset, { batchSize });
  const lossFn = new CrossEntropyLoss({ reduction: 'sum' });
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  try {
    for (const batch of loader) {
      const [images, labels] = batch as [Tensor, Tensor];
      const [loss, hits] = noGrad(() => tidy(() => lossAndCorrect(lossFn, model.forward(images) as Tensor, labels)));
      lossSum += (await loss.data())[0] as number;
      correct += (await hits.data())[0] as number;
      for (const t of [loss, hits, images, labels]) t.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / dataset.length, accuracy: correct / dataset.length, examples: dataset.length, seconds: (performance.now() - start) / 1000 };
}

/**
 * Calibration: `steps` batches through `model` in training mode without gradients and without
 * updating weights, so that runtime-statistics quantizers (the activation and input scales)
 * collect their statistics. Returns the number of batches run.
 */
export function calibrate(model: Module, dataset: Dataset, options: { steps: number; batchSize: number; generator: Generator }): number {
  const loader = new DataLoader(dataset, { batchSize: options.batchSize, shuffle: true, generator: options.generator });
  const wasTraining = model.training;
  model.train();
  let done = 0;
  try {
    if (options.steps > 0) {
      for (const batch of loader) {
        const [images, labels] = batch as [Tensor, Tensor];
        noGrad(() => tidy(() => void model.forward(images)));
        images.dispose();
        labels.dispose();
        done += 1;
        if (done >= options.steps) break;
      }
    }
  } finally {
    model.train(wasTraining);
  }
  return done;
}
