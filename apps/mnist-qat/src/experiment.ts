/**
 * The main job's experiment: train the float LeNet-5 (or load it from a checkpoint), then fine-tune
 * a quantized copy of it for each quantized configuration, standard quantization-aware-training
 * practice (the float weights and biases load into the quantized model under the same keys).
 */
import { loadCheckpoint } from './checkpoint.js';
import { loadMnist } from './mnist-data.js';
import type { Mnist } from './mnist-data.js';
import { FLOAT_CONFIG, isQuantized } from './quant-config.js';
import type { QuantConfig } from './quant-config.js';
import { evaluatedRun, fineTuneQuantized, mnistDatasets, trainLeNet5 } from './run.js';
import type { RunHooks, TrainingOptions, TrainingRun } from './run.js';

export interface ExperimentOptions {
  /** The float model's training. */
  float: TrainingOptions;
  /** Each quantized configuration's fine-tuning. */
  qat: TrainingOptions;
  /** Quantized configurations, in order ('float' entries are ignored: the float model always comes first). */
  configs: readonly QuantConfig[];
  /** Load the float model from this checkpoint instead of training it. */
  floatCheckpoint?: string | null;
}

export interface ExperimentResult {
  float: TrainingRun;
  quantized: TrainingRun[];
  totalSeconds: number;
}

export interface ExperimentHooks {
  /** Called before each configuration's run; the returned hooks follow that run. */
  onConfigStart?(config: QuantConfig, phase: 'train' | 'fine-tune' | 'load', epochs: number): RunHooks | void;
  /** Called after each configuration's run (e.g. to write its outputs). */
  onConfigEnd?(run: TrainingRun): void | Promise<void>;
}

/** Run the experiment. The caller owns the returned models (dispose them when done). */
export async function runExperiment(options: ExperimentOptions, hooks: ExperimentHooks = {}, data?: Mnist): Promise<ExperimentResult> {
  const start = performance.now();
  // Standardised once: every configuration reads the same pixels.
  const sets = mnistDatasets(data ?? loadMnist());
  let float: TrainingRun;
  if (options.floatCheckpoint) {
    hooks.onConfigStart?.(FLOAT_CONFIG, 'load', 0);
    const { model, config } = await loadCheckpoint(options.floatCheckpoint);
    if (isQuantized(config)) {
      model.dispose();
      throw new Error(`--float-checkpoint: '${options.floatCheckpoint}' holds a ${config.name} model, not a float one.`);
    }
    float = await evaluatedRun(model, FLOAT_CONFIG, options.float, options.floatCheckpoint, sets);
  } else {
    const runHooks = hooks.onConfigStart?.(FLOAT_CONFIG, 'train', options.float.epochs) ?? {};
    float = await trainLeNet5(options.float, runHooks, sets);
  }
  const quantized: TrainingRun[] = [];
  try {
    await hooks.onConfigEnd?.(float);
    for (const config of options.configs) {
      if (!isQuantized(config)) continue;
      const runHooks = hooks.onConfigStart?.(config, 'fine-tune', options.qat.epochs) ?? {};
      const run = await fineTuneQuantized(float.model, config, options.qat, runHooks, sets);
      quantized.push(run);
      await hooks.onConfigEnd?.(run);
    }
  } catch (error) {
    for (const run of [float, ...quantized]) run.model.dispose();
    throw error;
  }
  return { float, quantized, totalSeconds: (performance.now() - start) / 1000 };
}
