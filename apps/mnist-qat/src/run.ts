/**
 * Training runs: a float LeNet-5 from scratch (`trainLeNet5`), or a quantized one fine-tuned from
 * a float model (`fineTuneQuantized`, quantization-aware training). Both are epochs of training,
 * each followed by an evaluation on the held-out split. The active backend is the caller's choice
 * (see backend.ts).
 */
import { Generator, getBackend, memory } from '@parvus/core';
import { loadMnist } from './mnist-data.js';
import type { Mnist } from './mnist-data.js';
import { MnistDataset } from './mnist-dataset.js';
import { LeNet5 } from './model.js';
import type { LeNet5Layers } from './model.js';
import { createOptimizer, createScheduler, currentLr } from './optimization.js';
import type { OptimizerName, ScheduleName } from './optimization.js';
import { FLOAT_CONFIG } from './quant-config.js';
import type { QuantConfig } from './quant-config.js';
import { COLLECT_STATS_STEPS, quantLayers, weightScalesFrom } from './quant-layers.js';
import { calibrate, evaluate, trainEpoch } from './train.js';
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
  config: QuantConfig;
  options: TrainingOptions;
  model: LeNet5;
  train: MnistDataset;
  test: MnistDataset;
  epochs: EpochRecord[];
  /** The loss of every training step, in order. */
  stepLosses: number[];
  /**
   * Post-training quantization, for a fine-tuned quantized model: held-out accuracy with the float
   * weights after calibrating the activation scales, before any quantization-aware training.
   */
  ptqTestAccuracy: number | null;
  finalTestAccuracy: number;
  finalTestLoss: number;
  timings: Timings;
  /** Where the weights came from: 'random' (seeded), 'float' (fine-tuned from the float run) or a checkpoint path. */
  init: string;
}

export interface RunHooks {
  onStart?(info: { backend: string; config: QuantConfig; trainExamples: number; testExamples: number; parameters: number }): void;
  onEpochStart?(epoch: number, steps: number): void;
  /** After each step; `liveTensors` is core's live tensor count at that point. */
  onStep?(epoch: number, info: StepInfo, liveTensors: number): void;
  onEpochEnd?(record: EpochRecord): void;
}

/** The two splits as the model sees them (standardised), not augmented. */
export interface MnistDatasets {
  readonly train: MnistDataset;
  readonly test: MnistDataset;
}

/** Standardise both splits, once for every run that is given the result. */
export function mnistDatasets(splits: Mnist): MnistDatasets {
  return { train: new MnistDataset(splits.train), test: new MnistDataset(splits.test) };
}

/** The datasets of `data` (default: the fixed split, loaded now), standardised here if they are raw splits. */
function standardised(data: Mnist | MnistDatasets | undefined): MnistDatasets {
  const source = data ?? loadMnist();
  return source.train instanceof MnistDataset ? (source as MnistDatasets) : mnistDatasets(source as Mnist);
}

interface Datasets {
  train: MnistDataset;
  test: MnistDataset;
}

/** One run's datasets: the training split read with this run's shifts (drawn from `generator`). */
function datasets(sets: MnistDatasets, options: TrainingOptions, generator: Generator): Datasets {
  return {
    train: options.shift > 0 ? new MnistDataset(sets.train, { augment: { maxShift: options.shift, generator } }) : sets.train,
    test: sets.test,
  };
}

/**
 * Train `model` as `options` say. `generator` shuffles and shifts; the caller owns the model
 * (it is disposed here only if training fails).
 */
async function train(model: LeNet5, config: QuantConfig, options: TrainingOptions, hooks: RunHooks, data: Datasets, generator: Generator, start: number, init: string, ptqTestAccuracy: number | null = null): Promise<TrainingRun> {
  const { train: trainSet, test } = data;
  const optimizer = createOptimizer(model.parameters(), options);
  const scheduler = options.epochs > 0 ? createScheduler(optimizer, options) : null;
  const loadSeconds = (performance.now() - start) / 1000;
  hooks.onStart?.({ backend: getBackend(), config, trainExamples: trainSet.length, testExamples: test.length, parameters: model.parameterCount() });
  const epochs: EpochRecord[] = [];
  const stepLosses: number[] = [];
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const lr = currentLr(optimizer);
      hooks.onEpochStart?.(epoch, Math.ceil(trainSet.length / options.batchSize));
      const trained = await trainEpoch(model, optimizer, trainSet, {
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
    config,
    options: { ...options },
    model,
    train: trainSet,
    test,
    epochs,
    stepLosses,
    ptqTestAccuracy,
    finalTestAccuracy: last?.testAccuracy ?? NaN,
    finalTestLoss: last?.testLoss ?? NaN,
    timings: {
      totalSeconds: (performance.now() - start) / 1000,
      loadSeconds,
      trainSeconds,
      evalSeconds: epochs.reduce((s, e) => s + e.evalSeconds, 0),
      steps,
      stepsPerSecond: steps > 0 ? steps / trainSeconds : 0,
      meanStepMs: steps > 0 ? (1000 * trainSeconds) / steps : 0,
    },
    init,
  };
}

/**
 * Train a LeNet-5 from seeded random weights, as `options` say, on `data` (default: the fixed
 * split, loaded now). One generator, seeded with `options.seed`, draws the initial weights, then
 * every epoch's shuffle and the shifts of the images, so a seed reproduces a run exactly on a
 * given backend. `layers` default to float ones. The caller owns the returned model.
 */
export async function trainLeNet5(options: TrainingOptions, hooks: RunHooks = {}, data?: Mnist | MnistDatasets, layers?: LeNet5Layers, config: QuantConfig = FLOAT_CONFIG): Promise<TrainingRun> {
  const start = performance.now();
  const sets = standardised(data);
  const generator = new Generator(options.seed);
  const model = new LeNet5({ generator, ...(layers ? { layers } : {}) });
  return train(model, config, options, hooks, datasets(sets, options, generator), generator, start, 'random');
}

/** Thrown when a float state dict does not fit a quantized LeNet-5 beyond the quantizers' own entries. */
export class IncompatibleWeightsError extends Error {
  override readonly name = 'IncompatibleWeightsError';
}

/**
 * A quantized LeNet-5 for `config` holding the float model's weights and biases: the learned
 * weight scales start at the MSE-optimal scales of those weights, the activation scales from
 * statistics of the first training steps.
 */
export function quantizedFromFloat(floatModel: LeNet5, config: QuantConfig): LeNet5 {
  const weightBitWidth = config.weightBitWidth;
  if (weightBitWidth === null) throw new Error(`quantizedFromFloat: configuration '${config.name}' is not quantized.`);
  const model = new LeNet5({ layers: quantLayers(config, weightScalesFrom(floatModel, weightBitWidth)) });
  const { missingKeys, unexpectedKeys } = model.loadStateDict(floatModel.stateDict(), { strict: false });
  // Only quantizer state (learned scales) may be missing: every weight and bias must land.
  const notQuantizer = missingKeys.filter((key) => !/Quant\./.test(key));
  if (unexpectedKeys.length > 0 || notQuantizer.length > 0) {
    model.dispose();
    throw new IncompatibleWeightsError(`The float weights do not fit the ${config.name} LeNet-5: missing ${JSON.stringify(notQuantizer)}, unexpected ${JSON.stringify(unexpectedKeys)}.`);
  }
  return model;
}

/**
 * Quantization-aware training: a quantized LeNet-5 for `config`, initialised from `floatModel`
 * (which is not changed), its activation scales calibrated on `COLLECT_STATS_STEPS` training
 * batches (the post-training-quantization accuracy is measured there), then trained as `options` say. The generator is seeded with `options.seed`
 * for each configuration, so a configuration's result does not depend on which others ran.
 * The caller owns the returned model.
 */
export async function fineTuneQuantized(floatModel: LeNet5, config: QuantConfig, options: TrainingOptions, hooks: RunHooks = {}, data?: Mnist | MnistDatasets): Promise<TrainingRun> {
  const start = performance.now();
  const sets = standardised(data);
  const generator = new Generator(options.seed);
  const model = quantizedFromFloat(floatModel, config);
  const runSets = datasets(sets, options, generator);
  let ptq: number;
  try {
    calibrate(model, sets.train, { steps: COLLECT_STATS_STEPS, batchSize: options.batchSize, generator: new Generator(options.seed) });
    ptq = (await evaluate(model, runSets.test)).accuracy;
  } catch (error) {
    model.dispose();
    throw error;
  }
  return train(model, config, options, hooks, runSets, generator, start, 'float', ptq);
}

/** A run record for a model that was loaded rather than trained: its held-out accuracy, no epochs. */
export async function evaluatedRun(model: LeNet5, config: QuantConfig, options: TrainingOptions, init: string, data?: Mnist | MnistDatasets): Promise<TrainingRun> {
  const start = performance.now();
  const generator = new Generator(options.seed);
  const run = await train(model, config, { ...options, epochs: 0 }, {}, datasets(standardised(data), options, generator), generator, start, init);
  const evaluated = await evaluate(model, run.test);
  return { ...run, finalTestAccuracy: evaluated.accuracy, finalTestLoss: evaluated.loss, timings: { ...run.timings, evalSeconds: evaluated.seconds, totalSeconds: (performance.now() - start) / 1000 } };
}
