/**
 * Train/eval switching: `train()`/`eval()` reach every descendant; Dropout masks and scales in
 * training and is the identity in eval; a model with BatchNorm and Dropout is deterministic in
 * eval and leaves its running statistics alone there.
 */
import type { Module, Tensor } from '@parvus/core';
import { BatchNorm2d, Conv2d, Dropout, Flatten, Generator, Linear, ReLU, Sequential, tensor, tidy } from '@parvus/core';
import { expect } from 'vitest';
import { expectIdentical } from '../expect.js';
import type { Result } from '../expect.js';
import type { Suite } from '../suite.js';
import { read, withoutLeaks } from './check.js';

async function forward(module: Module, input: Tensor): Promise<Result> {
  const output = tidy(() => module.forward(input) as Tensor);
  try {
    return await read(output);
  } finally {
    if (output !== input) output.dispose();
  }
}

function sameValues(a: Result, b: Result): boolean {
  return a.values.length === b.values.length && a.values.every((v, i) => Object.is(v, b.values[i]));
}

/** Conv2d → BatchNorm2d → ReLU → Dropout → Flatten → Linear on [3, 2, 4, 4] inputs. */
function smallModel(seed: number): Sequential {
  const generator = new Generator(seed);
  return new Sequential(
    new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, generator }),
    new BatchNorm2d({ numFeatures: 4 }),
    new ReLU(),
    new Dropout({ p: 0.5, generator }),
    new Flatten(),
    new Linear({ inFeatures: 16, outFeatures: 5, generator }),
  );
}

export function registerModeTests(suite: Suite): void {
  suite.test('Dropout/train-masks-and-scales', async ({ random }) => {
    const n = 1000;
    const values = random.floats(n, 0.5, 2);
    const x = tensor(values, [10, 100]);
    await withoutLeaks('Dropout/train-masks-and-scales', async () => {
      const first = await forward(new Dropout({ p: 0.25, generator: new Generator(7) }), x);
      const again = await forward(new Dropout({ p: 0.25, generator: new Generator(7) }), x);
      expectIdentical(again, first, 'the same seed gives the same mask');
      // Each element is dropped (0) or kept and scaled by 1/(1 − p), in one float32 multiplication.
      const scale = Math.fround(1 / Math.fround(0.75));
      let dropped = 0;
      first.values.forEach((v, i) => {
        if (v === 0) dropped++;
        else expect(v, `element ${i}: kept elements are x / (1 − p)`).toBe(Math.fround((values[i] as number) * scale));
      });
      // Binomial(1000, 0.25): mean 250, standard deviation 13.7.
      expect(dropped, 'dropped elements of 1000 at p = 0.25').toBeGreaterThan(180);
      expect(dropped, 'dropped elements of 1000 at p = 0.25').toBeLessThan(320);
    }).finally(() => x.dispose());
  });

  suite.test('Dropout/eval-and-p0-are-identity', async ({ random }) => {
    const x = tensor(random.floats(64, -2, 2), [4, 16]);
    await withoutLeaks('Dropout/eval-and-p0-are-identity', async () => {
      const input = await read(x);
      const dropout = new Dropout({ p: 0.5, generator: new Generator(1) });
      dropout.eval();
      expectIdentical(await forward(dropout, x), input, 'Dropout(p=0.5) in eval mode');
      expectIdentical(await forward(new Dropout({ p: 0 }), x), input, 'Dropout(p=0) in training mode');
      const all = await forward(new Dropout({ p: 1 }), x);
      expect(Array.from(all.values).every((v) => v === 0), 'Dropout(p=1) zeroes everything').toBe(true);
    }).finally(() => x.dispose());
  });

  suite.test('Module/train-eval-reaches-every-descendant', () => {
    const model = new Sequential(smallModel(1), new Sequential(new Dropout(), new BatchNorm2d({ numFeatures: 1 })));
    try {
      const flags = (): boolean[] => model.modules().map((m) => m.training);
      expect(flags().every(Boolean), 'modules start in training mode').toBe(true);
      expect(model.eval()).toBe(model);
      expect(flags().some(Boolean), 'eval() reaches every descendant').toBe(false);
      model.train();
      expect(flags().every(Boolean), 'train() reaches every descendant').toBe(true);
      model.at(1).train(false);
      expect(model.modules().filter((m) => !m.training).length, 'train(false) on a child stops at its subtree').toBe(3);
    } finally {
      model.dispose();
    }
  });

  suite.test('Module/eval-is-deterministic-and-keeps-statistics', async ({ random }) => {
    const x = tensor(random.floats(3 * 2 * 4 * 4, -1, 1), [3, 2, 4, 4]);
    await withoutLeaks('Module/eval-is-deterministic-and-keeps-statistics', async () => {
      const model = smallModel(3);
      try {
        const tracked = model.getBuffer('1.numBatchesTracked');
        // Training: Dropout draws a new mask each call and BatchNorm counts the batches.
        const t1 = await forward(model, x);
        const t2 = await forward(model, x);
        expect(sameValues(t1, t2), 'two training forwards differ (new dropout masks)').toBe(false);
        expect(Array.from((await read(tracked)).values)).toEqual([2]);
        const runningMean = await read(model.getBuffer('1.runningMean'));
        const runningVar = await read(model.getBuffer('1.runningVar'));

        model.eval();
        const e1 = await forward(model, x);
        const e2 = await forward(model, x);
        expectIdentical(e2, e1, 'two eval forwards');
        expect(Array.from((await read(tracked)).values), 'eval does not count batches').toEqual([2]);
        expectIdentical(await read(model.getBuffer('1.runningMean')), runningMean, 'runningMean after eval forwards');
        expectIdentical(await read(model.getBuffer('1.runningVar')), runningVar, 'runningVar after eval forwards');

        model.train();
        await forward(model, x);
        expect(Array.from((await read(tracked)).values), 'back in training, batches are counted again').toEqual([3]);
      } finally {
        model.dispose();
      }
    }).finally(() => x.dispose());
  });
}
