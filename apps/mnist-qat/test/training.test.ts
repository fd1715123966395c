// Float LeNet-5 trained on the real digits reaches the bar (≥ 97% on the held-out split),
// with the live tensor count flat from one training step to the next.
//
// The default test trains the default recipe shortened to 6 epochs (the cosine schedule spans the
// 6): measured 98.15% with seeds 0 and 1, in about 50 s on an idle 2-core machine (90 s with
// other jobs running), so it asserts the real bar with margin while keeping `pnpm test` short.
// PARVUS_MNIST_FULL=1 also runs the demo's exact default configuration (10 epochs, ~1.5 min idle)
// and checks the bar and the 5-minute budget on it.
import { memory, setBackend } from '@parvus/core';
import '@parvus/backend-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/cli.js';
import { loadMnist } from '../src/mnist-data.js';
import type { Mnist } from '../src/mnist-data.js';
import { trainLeNet5 } from '../src/run.js';
import type { TrainingOptions, TrainingRun } from '../src/run.js';
import { subset } from './helpers.js';

const BAR = 0.97;

interface Observed {
  run: TrainingRun;
  /** Live tensors after each step, in order, across epochs. */
  live: number[];
  /** Live tensors before the run and after disposing the model. */
  before: number;
  after: number;
}

async function train(options: TrainingOptions, data: Mnist): Promise<Observed> {
  const before = memory().numTensors;
  const live: number[] = [];
  const run = await trainLeNet5(options, { onStep: (_epoch, _info, liveTensors) => live.push(liveTensors) }, data);
  run.model.dispose();
  return { run, live, before, after: memory().numTensors };
}

function expectFlatMemory({ run, live, before, after }: Observed): void {
  expect(live.length).toBe(run.timings.steps);
  // Step 1 creates the gradients and the momentum buffers; from then on nothing accumulates,
  // through epoch boundaries, scheduler steps and evaluations included.
  const afterFirst = live.slice(1);
  expect(Math.min(...afterFirst)).toBe(live[0]);
  expect(Math.max(...afterFirst)).toBe(live[0]);
  expect(after).toBe(before);
}

describe('float LeNet-5 on MNIST', () => {
  let data: Mnist;
  beforeAll(async () => {
    await setBackend('reference');
    data = loadMnist();
  });

  it(`reaches ≥ ${100 * BAR}% held-out accuracy in 6 epochs, with flat memory`, async () => {
    const { backend: _b, out: _o, ...defaults } = DEFAULT_OPTIONS;
    const observed = await train({ ...defaults, epochs: 6 }, data);
    const { run } = observed;
    expectFlatMemory(observed);
    expect(run.test.length).toBe(2004);
    // The loss falls and accuracy rises epoch over epoch, overall.
    expect(run.epochs[5]!.trainLoss).toBeLessThan(run.epochs[0]!.trainLoss / 4);
    expect(run.finalTestAccuracy).toBeGreaterThanOrEqual(BAR);
  }, 600_000);

  it('a seed reproduces a run exactly; another seed gives another run', async () => {
    const small = subset(data, 10);
    const options: TrainingOptions = { epochs: 2, batchSize: 32, lr: 0.05, optimizer: 'sgd', schedule: 'cosine', seed: 4, shift: 2 };
    const fingerprint = async (seed: number): Promise<{ losses: number[]; metrics: unknown[]; weights: number[][] }> => {
      const run = await trainLeNet5({ ...options, seed }, {}, small);
      const weights = run.model.parameters().map((p) => Array.from(p.dataSync()));
      run.model.dispose();
      const metrics = run.epochs.map((e) => [e.lr, e.trainLoss, e.trainAccuracy, e.testLoss, e.testAccuracy]);
      return { losses: run.stepLosses, metrics, weights };
    };
    const a = await fingerprint(4);
    const b = await fingerprint(4);
    const c = await fingerprint(5);
    expect(b).toEqual(a);
    expect(c.losses).not.toEqual(a.losses);
  }, 120_000);

  it.runIf(process.env.PARVUS_MNIST_FULL)('the default demo configuration reaches the bar within 5 minutes', async () => {
    const { backend: _b, out: _o, ...defaults } = DEFAULT_OPTIONS;
    const observed = await train(defaults, data);
    expectFlatMemory(observed);
    expect(observed.run.finalTestAccuracy).toBeGreaterThanOrEqual(BAR);
    expect(observed.run.timings.totalSeconds).toBeLessThan(300);
  }, 900_000);
});
