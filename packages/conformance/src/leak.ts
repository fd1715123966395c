/**
 * A small training loop (conv2d → relu → maxPool2d → linear → crossEntropy, SGD) run for 100 steps:
 * after the first step the engine's and the backend's memory must stay exactly flat, and the loss
 * must fall. This is how a QAT training loop uses the engine, so a leak here is a leak per batch.
 */
import {
  conv2d, crossEntropy, flatten, linear, maxPool2d, memory, mul, relu, sub, tensor, tidy,
} from '@parvus/core';
import type { Suite } from './suite.js';
import type { Random } from './random.js';
import { newParameter } from './modules/check.js';

const STEPS = 100;
const BATCH = 16;
const LEARNING_RATE = 0.1;

/** Two classes of 8×8 images: bright top half (0) or bright bottom half (1), with noise; int32 class labels. */
function dataset(random: Random): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(BATCH * 64);
  const labels = new Int32Array(BATCH);
  for (let n = 0; n < BATCH; n++) {
    const label = n % 2;
    labels[n] = label;
    for (let i = 0; i < 64; i++) {
      const top = i < 32;
      const bright = label === 0 ? top : !top;
      images[n * 64 + i] = Math.fround((bright ? 1 : 0) + random.uniform(-0.5, 0.5));
    }
  }
  return { images, labels };
}

interface Snapshot {
  numTensors: number;
  numDataIds: number;
  numBytes: number;
  backendDataIds: number | null;
  backendBytes: number | null;
}

function snapshot(): Snapshot {
  const m = memory();
  const reliable = m.backend !== null && !m.backend.unreliable;
  return {
    numTensors: m.numTensors,
    numDataIds: m.numDataIds,
    numBytes: m.numBytes,
    backendDataIds: reliable ? m.backend!.numDataIds : null,
    backendBytes: reliable ? m.backend!.numBytes : null,
  };
}

export function registerTrainingTests(suite: Suite): void {
  suite.test('Training/memory-flat-over-100-steps', async ({ random }) => {
    const start = snapshot();
    const { images, labels } = dataset(random);
    const x = tensor(images, [BATCH, 1, 8, 8]);
    const targets = tensor(labels, [BATCH]);
    const convWeight = newParameter(random.floats(4 * 9, -1 / 3, 1 / 3), [4, 1, 3, 3]);
    const convBias = newParameter(new Float32Array(4), [4]);
    const linearWeight = newParameter(random.floats(2 * 64, -1 / 8, 1 / 8), [2, 64]);
    const linearBias = newParameter(new Float32Array(2), [2]);
    const params = [convWeight, convBias, linearWeight, linearBias];

    const step = async (): Promise<number> => {
      const loss = tidy(() => {
        const features = maxPool2d(relu(conv2d(x, convWeight, convBias, { padding: 1 })), 2); // [16, 4, 4, 4]
        const logits = linear(flatten(features, 1), linearWeight, linearBias);
        const l = crossEntropy(logits, targets);
        l.backward();
        return l;
      });
      tidy(() => {
        for (const p of params) {
          if (!p.grad) throw new Error('a parameter got no gradient');
          p.assign(sub(p, mul(p.grad, LEARNING_RATE)));
        }
      });
      for (const p of params) {
        p.grad?.dispose();
        p.grad = null;
      }
      const value = (await loss.data())[0] as number;
      loss.dispose();
      return value;
    };

    try {
      const losses = [await step()];
      const warm = snapshot();
      const drift: string[] = [];
      for (let i = 1; i < STEPS; i++) {
        losses.push(await step());
        const now = snapshot();
        for (const key of Object.keys(warm) as Array<keyof Snapshot>) {
          if (now[key] !== warm[key] && drift.length < 8) drift.push(`step ${i + 1}: ${key} ${warm[key]} → ${now[key]}`);
        }
      }
      if (drift.length > 0) throw new Error(`memory is not flat after the warm-up step:\n  ${drift.join('\n  ')}`);
      const first = losses[0] as number;
      const last = losses[STEPS - 1] as number;
      if (!(Number.isFinite(first) && Number.isFinite(last))) throw new Error(`the loss is not finite: ${first} → ${last}`);
      if (!(last < 0.1 * first)) {
        throw new Error(`the loss did not fall tenfold over ${STEPS} steps: ${first.toFixed(4)} → ${last.toFixed(4)}`);
      }
    } finally {
      for (const t of [x, targets, ...params]) t.dispose();
    }
    const end = snapshot();
    for (const key of Object.keys(start) as Array<keyof Snapshot>) {
      if (end[key] !== start[key]) throw new Error(`after disposing the model, ${key} is ${end[key]}, not ${start[key]} as before training`);
    }
  }, 60_000);
}
