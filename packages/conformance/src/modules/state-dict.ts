/**
 * State-dict round trips through safetensors bytes: save a trained-looking model (BatchNorm
 * statistics moved, an int32 counter), load the bytes into a freshly initialised model, and get
 * identical state and identical outputs. Reads are asynchronous (saveSafetensorsAsync).
 */
import type { Tensor } from '@parvus/core';
import {
  BatchNorm2d, Conv2d, Flatten, Generator, Linear, MaxPool2d, ReLU, Sequential, StateDictError, loadSafetensors,
  saveSafetensorsAsync, tensor, tidy,
} from '@parvus/core';
import { expect } from 'vitest';
import { expectIdentical } from '../expect.js';
import type { Result } from '../expect.js';
import type { Suite } from '../suite.js';
import { read, withoutLeaks } from './check.js';

const KEYS = [
  'features.conv.weight', 'features.conv.bias',
  'features.bn.weight', 'features.bn.bias', 'features.bn.runningMean', 'features.bn.runningVar', 'features.bn.numBatchesTracked',
  'classifier.weight', 'classifier.bias',
];

/** Conv2d(2, 3, 3) → BatchNorm2d → ReLU → MaxPool2d(2) → Flatten → Linear(12, 4) on [2, 2, 6, 6]. */
function model(seed: number): Sequential {
  const generator = new Generator(seed);
  return new Sequential({
    features: new Sequential({
      conv: new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, generator }),
      bn: new BatchNorm2d({ numFeatures: 3 }),
      relu: new ReLU(),
      pool: new MaxPool2d({ kernelSize: 2 }),
    }),
    flatten: new Flatten(),
    classifier: new Linear({ inFeatures: 12, outFeatures: 4, generator }),
  });
}

async function output(net: Sequential, x: Tensor): Promise<Result> {
  const y = tidy(() => net.forward(x));
  try {
    return await read(y);
  } finally {
    y.dispose();
  }
}

export function registerStateDictTests(suite: Suite): void {
  suite.test('Module/state-dict-safetensors-round-trip', async ({ random }) => {
    const x = tensor(random.floats(2 * 2 * 6 * 6, -1, 1), [2, 2, 6, 6]);
    await withoutLeaks('Module/state-dict-safetensors-round-trip', async () => {
      const trained = model(1);
      const fresh = model(2);
      try {
        // Two training forwards move the BatchNorm statistics away from their initial values.
        await output(trained, x);
        await output(trained, x);
        trained.eval();
        fresh.eval();
        const expected = await output(trained, x);
        const before = await output(fresh, x);
        expect(before.values.every((v, i) => Object.is(v, expected.values[i])), 'differently seeded models differ before loading').toBe(false);

        const stateDict = trained.stateDict();
        expect([...stateDict.keys()], 'state-dict keys in PyTorch order').toEqual(KEYS);
        const bytes = await saveSafetensorsAsync(stateDict, { format: 'pt', note: 'conformance' });
        const { tensors, metadata } = loadSafetensors(bytes);
        try {
          expect(metadata).toEqual({ format: 'pt', note: 'conformance' });
          expect(fresh.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
        } finally {
          for (const t of tensors.values()) t.dispose(); // the model copied them
        }
        const loaded = fresh.stateDict();
        for (const key of KEYS) {
          expectIdentical(await read(loaded.get(key) as Tensor), await read(stateDict.get(key) as Tensor), `state '${key}' after the round trip`);
        }
        expectIdentical(await output(fresh, x), expected, 'eval output of the reloaded model');
      } finally {
        trained.dispose();
        fresh.dispose();
      }
    }).finally(() => x.dispose());
  });

  suite.test('Module/load-state-dict-mismatch-changes-nothing', async () => {
    await withoutLeaks('Module/load-state-dict-mismatch-changes-nothing', async () => {
      const net = model(1);
      const other = model(2);
      const wrong = tensor(new Float32Array(4 * 13), [4, 13]);
      try {
        const weight = await read(net.getParameter('features.conv.weight'));
        const entries = new Map(other.stateDict());
        entries.set('classifier.weight', wrong);
        let error: unknown = null;
        try {
          net.loadStateDict(entries);
        } catch (e) {
          error = e;
        }
        expect(StateDictError.isInstance(error), 'a StateDictError').toBe(true);
        expect(String((error as Error).message)).toContain('classifier.weight');
        // Loading is all or nothing: the entries that did fit were not copied either.
        expectIdentical(await read(net.getParameter('features.conv.weight')), weight, 'conv weight after a failed load');
      } finally {
        wrong.dispose();
        net.dispose();
        other.dispose();
      }
    });
  });
}
