/**
 * A whole training run: data, model, optimizer and schedule from the options, then epochs of
 * training each followed by an evaluation on the held-out split. The active backend is the
 * caller's choice (see backend.ts).
 */
import { Generator, getBackend, memory } from '@parvus/core';
import { loadMnist } from './mnist-data.js';
import type { Mnist } from './mnist-data.js';
import { MnistDataset } from './mnist-dataset.js';
import { LeNet5 } from './model.js';
import type { LeNet5Layers } from './model.js';
import { createOptimizer, createScheduler, currentLr } from './optimization.js';
import type { OptimizerName, ScheduleName } from './optimization.js';
import { evaluate, trainEpoch } from './train.js';
import type { StepInfo } from './train.js';

export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  schedule: ScheduleName;
  seed: number;
  /** Shift training images by up to this many pixels at random (0: no augmentation). */
  shift: number;
}

export interface EpochRecord {
  epoch: number;
  /** The learning rate used during this epoch. */
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  trainSeconds: number;
  evalSeconds: number;
  stepsPerSecond: number;
}

export interface Timings {
  /** Data loading, model construction, training and evaluation. */
  totalSeconds: number;
  loadSeconds: number;
  trainSeconds: number;
  evalSeconds: number;
  steps: number;
  stepsPerSecond: number;
  meanStepMs: number;
}

export interface TrainingRun {
  backend: string;
  options: TrainingOptions;
  model: LeNet5;
  train: MnistDataset;
  test: MnistDataset;
  epochs: EpochRecord[];
  /** The loss of every training step, in order. */
  stepLosses: number[];
  finalTestAccuracy: number;
  finalTestLoss: number;
  timings: Timings;
}

export interface RunHooks {
  onStart?(info: { backend: string; trainExamples: number; testExamples: number; parameters: number }): void;
  onEpochStart?(epoch: number, steps: number): void;
  /** After each step; `liveTensors` is core's live tensor count at that point. */
  onStep?(epoch: number, info: StepInfo, liveTensors: number): void;
  onEpochEnd?(record: EpochRecord): void;
}

/**
 * Train a LeNet-5 as `options` say, on `data` (default: the fixed split, loaded now). One
 * generator, seeded with `options.seed`, draws the initial weights, then every epoch's shuffle
 * and the shifts of the images, so a seed reproduces a run exactly on a given backend. The caller
 * owns the returned model (dispose it when done).
 */
export async function trainLeNet5(options: TrainingOptions, hooks: RunHooks = {}, data?: Mnist, layers?: LeNet5Layers): Promise<TrainingRun> {
  const start = performance.now();
  const splits = data ?? loadMnist();
  const generator = new Generator(options.seed);
  const model = new LeNet5({ generator, ...(layers ? { layers } : {}) });
  const train = new MnistDataset(splits.train, options.shift > 0 ? { augment: { maxShift: options.shift, generator } } : {});
  const test = new MnistDataset(splits.test);
  const optimizer = createOptimizer(model.parameters(), options);
  const scheduler = createScheduler(optimizer, options);
  const loadSeconds = (performance.now() - start) / 1000;
  hooks.onStart?.({ backend: getBackend(), trainExamples: train.length, testExamples: test.length, parameters: model.parameterCount() });
  const epochs: EpochRecord[] = [];
  const stepLosses: number[] = [];
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const lr = currentLr(optimizer);
      hooks.onEpochStart?.(epoch, Math.ceil(train.length / options.batchSize));
      const trained = await trainEpoch(model, optimizer, train, {
        batchSize: options.batchSize,
        generator,
        onStep: (info) => {
          stepLosses.push(info.loss);
          hooks.onStep?.(epoch, info, memory().numTensors);
        },
      });
      steps += Math.ceil(trained.examples / options.batchSize);
      scheduler?.step();
      const evaluated = await evaluate(model, test);
      const record: EpochRecord = {
        epoch,
        lr,
        trainLoss: trained.loss,
        trainAccuracy: trained.accuracy,
        testLoss: evaluated.loss,
        testAccuracy: evaluated.accuracy,
        trainSeconds: trained.seconds,
        evalSeconds: evaluated.seconds,
        stepsPerSecond: Math.ceil(trained.examples / options.batchSize) / trained.seconds,
      };
      epochs.push(record);
      hooks.onEpochEnd?.(record);
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  const trainSeconds = epochs.reduce((s, e) => s + e.trainSeconds, 0);
  const last = epochs[epochs.length - 1];
  return {
    backend: getBackend(),
    options: { ...options },
    model,
    train,
    test,
    epochs,
    stepLosses,
    finalTestAccuracy: last?.testAccuracy ?? NaN,
    finalTestLoss: last?.testLoss ?? NaN,
    timings: {
      totalSeconds: (performance.now() - start) / 1000,
      loadSeconds,
      trainSeconds,
      evalSeconds: epochs.reduce((s, e) => s + e.evalSeconds, 0),
      steps,
      stepsPerSecond: steps / trainSeconds,
      meanStepMs: (1000 * trainSeconds) / steps,
    },
  };
}
