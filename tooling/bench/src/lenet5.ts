/**
 * Training figures (issue #3, modules): the float LeNet-5 of the main job, built from core's
 * layers exactly as python/torch_baseline.py builds it in PyTorch (nn.Sequential, batch 64,
 * cross-entropy, SGD with momentum 0.9), so the two figures compare one to one.
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

export interface LeNet5Bench {
  /** zeroGrad, forward, cross-entropy, backward, SGD(momentum 0.9) step, loss read back. */
  trainStep(): void;
  /** Eval-mode forward without gradients, logits read back. */
  evalBatch(): void;
  dispose(): void;
}

/** A LeNet-5, a batch of 64 random images with labels, and an optimizer, ready to time. */
export function createLeNet5Bench(seed = 0): LeNet5Bench {
  const generator = new P.Generator(seed);
  const model = floatLeNet5(generator);
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

export function lenet5Figures(backend: string): Figure[] {
  const bench = createLeNet5Bench();
  try {
    return [
      measure(`${backend}/lenet5-float-train-step`, bench.trainStep, { warmup: 5, runs: 40, budgetMs: 6000 }),
      measure(`${backend}/lenet5-float-eval-batch`, bench.evalBatch, { warmup: 5, runs: 60, budgetMs: 4000 }),
    ];
  } finally {
    bench.dispose();
  }
}
