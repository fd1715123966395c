/**
 * Training figures: LeNet-5 of the main job, float (issue #3) and W4A4 quantization-aware
 * (issue #5), built from core's layers as python/torch_baseline.py builds them in PyTorch
 * (nn.Sequential, batch 64, cross-entropy, SGD with momentum 0.9), so the figures compare one to
 * one. The W4A4 model has apps/mnist-qat's quantizers (see quantLeNet5W4A4).
 */
import * as P from '@parvus/core';
import type { Figure } from './measure.js';
import { measure } from './measure.js';

const BATCH = 64;

/** Conv2d(1,6,5) ReLU MaxPool2d(2) Conv2d(6,16,5) ReLU MaxPool2d(2) Flatten Linear(256,120) ReLU Linear(120,84) ReLU Linear(84,10). */
export function floatLeNet5(generator: P.Generator): P.Sequential {
  return new P.Sequential(
    new P.Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, generator }),
    new P.ReLU(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, generator }),
    new P.ReLU(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Flatten(),
    new P.Linear({ inFeatures: 256, outFeatures: 120, generator }),
    new P.ReLU(),
    new P.Linear({ inFeatures: 120, outFeatures: 84, generator }),
    new P.ReLU(),
    new P.Linear({ inFeatures: 84, outFeatures: 10, generator }),
  );
}

/** Steps of activation statistics before the learned activation scales take over (apps/mnist-qat's choice). */
export const COLLECT_STATS_STEPS = 30;

/**
 * apps/mnist-qat's W4A4 LeNet-5: an 8-bit QuantIdentity on the input; 4-bit weights
 * (Int8WeightPerTensorFloat at 4 bits with a learned scale) and Int32Bias in every weight layer;
 * 4-bit QuantReLUs returning QuantTensors through max-pooling; float logits. (The app initialises
 * the weight scales from the float weights; the value does not change the cost.)
 */
export function quantLeNet5W4A4(generator: P.Generator): P.Sequential {
  const weights = {
    weightQuant: P.Int8WeightPerTensorFloat,
    weightBitWidth: 4,
    weightScalingImplType: P.ScalingImplType.PARAMETER,
    weightScalingConst: 0.5,
    biasQuant: P.Int32Bias,
    generator,
  };
  const relu = (): P.QuantReLU => new P.QuantReLU({ bitWidth: 4, returnQuantTensor: true, collectStatsSteps: COLLECT_STATS_STEPS });
  return new P.Sequential(
    new P.QuantIdentity({ bitWidth: 8, returnQuantTensor: true, collectStatsSteps: COLLECT_STATS_STEPS }),
    new P.QuantConv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, ...weights }),
    relu(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.QuantConv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, ...weights }),
    relu(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Flatten(),
    new P.QuantLinear({ inFeatures: 256, outFeatures: 120, ...weights }),
    relu(),
    new P.QuantLinear({ inFeatures: 120, outFeatures: 84, ...weights }),
    relu(),
    new P.QuantLinear({ inFeatures: 84, outFeatures: 10, ...weights }),
  );
}

/** Which LeNet-5: float (floatLeNet5) or quantization-aware W4A4 (quantLeNet5W4A4). */
export type LeNet5Variant = 'float' | 'w4a4';

export interface LeNet5Bench {
  /** zeroGrad, forward, cross-entropy, backward, SGD(momentum 0.9) step, loss read back. */
  trainStep(): void;
  /** Eval-mode forward without gradients, logits read back. */
  evalBatch(): void;
  dispose(): void;
}

/** A LeNet-5 (float or W4A4), a batch of 64 random images with labels, and an optimizer, ready to time. */
export function createLeNet5Bench(seed = 0, variant: LeNet5Variant = 'float'): LeNet5Bench {
  const generator = new P.Generator(seed);
  const model = variant === 'float' ? floatLeNet5(generator) : quantLeNet5W4A4(generator);
  const x = P.keep(P.randn([BATCH, 1, 28, 28], { generator }));
  const y = P.keep(P.tensor(Int32Array.from({ length: BATCH }, () => generator.random() % 10), [BATCH], 'int32'));
  const optimizer = new P.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const lossFn = new P.CrossEntropyLoss();
  return {
    trainStep: () => {
      model.train();
      P.tidy(() => {
        optimizer.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
        loss.dataSync();
      });
    },
    evalBatch: () => {
      model.eval();
      P.noGrad(() => P.tidy(() => void model.forward(x).dataSync()));
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/**
 * The train step and eval batch of one LeNet-5. The W4A4 figures are those of the steady state of
 * quantization-aware training: its warm-up runs past the activation statistics (whose percentile
 * per batch costs more, for COLLECT_STATS_STEPS steps only), so the learned scales are timed.
 */
export function lenet5Figures(backend: string, variant: LeNet5Variant): Figure[] {
  const bench = createLeNet5Bench(0, variant);
  const w4a4 = variant === 'w4a4';
  try {
    return [
      measure(`${backend}/lenet5-${variant}-train-step`, bench.trainStep, { warmup: w4a4 ? COLLECT_STATS_STEPS + 5 : 5, runs: 40, budgetMs: w4a4 ? 8000 : 6000 }),
      measure(`${backend}/lenet5-${variant}-eval-batch`, bench.evalBatch, { warmup: 5, runs: 60, budgetMs: 4000 }),
    ];
  } finally {
    bench.dispose();
  }
}
