/**
 * 200 SGD steps of a small quantization-aware model (fake-quantized conv → relu → max pool →
 * fake-quantized linear → cross entropy) must hold tfjs's own tensor count flat: every kernel's
 * intermediates are disposed inside the kernel, and every tf.Tensor a Parvus tensor held is
 * disposed with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@parvus/core';
import {
  Generator, conv2d, crossEntropy, fakeQuantize, flatten, linear, maxPool2d, memory, mul, parameter, randn, relu,
  setBackend, sub, tensor, tidy,
} from '@parvus/core';
import '../src/index.js';

const STEPS = 200;
const BATCH = 8;

function newParameter(value: Tensor): Tensor {
  const p = parameter(value);
  if (p !== value) value.dispose();
  return p;
}

for (const backend of ['tfjs-wasm', 'tfjs-cpu']) {
  describe(`training on ${backend}`, () => {
    it(`keeps tf.memory().numTensors flat over ${STEPS} steps`, async () => {
      await setBackend(backend);
      const tfBefore = tf.memory().numTensors;
      const parvusBefore = memory().numTensors;
      const gen = new Generator(7);
      // Two classes: bright left half or bright right half.
      const images = new Float32Array(BATCH * 64);
      const labels = new Int32Array(BATCH);
      for (let n = 0; n < BATCH; n++) {
        labels[n] = n % 2;
        for (let i = 0; i < 64; i++) images[n * 64 + i] = ((i % 8 < 4) === (n % 2 === 0) ? 1 : 0) + 0.1 * Math.sin(n * 64 + i);
      }
      const x = tensor(images, [BATCH, 1, 8, 8]);
      const y = tensor(labels, [BATCH]);
      const convWeight = newParameter(tidy(() => mul(randn([4, 1, 3, 3], { generator: gen }), 0.3)));
      const convBias = newParameter(tensor(new Float32Array(4), [4]));
      const linearWeight = newParameter(tidy(() => mul(randn([2, 64], { generator: gen }), 0.1)));
      const linearBias = newParameter(tensor(new Float32Array(2), [2]));
      const params = [convWeight, convBias, linearWeight, linearBias];

      const counts: number[] = [];
      const losses: number[] = [];
      try {
        for (let step = 0; step < STEPS; step++) {
          const loss = tidy(() => {
            const qx = fakeQuantize(x, 1 / 128, 0, 0, 255);
            const qw = fakeQuantize(convWeight, 0.02, 0, -8, 7);
            const features = maxPool2d(relu(conv2d(qx, qw, convBias, { padding: 1 })), 2);
            const qa = fakeQuantize(features, 0.05, 0, 0, 15);
            const logits = linear(flatten(qa, 1), fakeQuantize(linearWeight, 0.01, 0, -128, 127), linearBias);
            const l = crossEntropy(logits, y);
            l.backward();
            return l;
          });
          tidy(() => {
            for (const p of params) p.assign(sub(p, mul(p.grad!, 0.2)));
          });
          for (const p of params) {
            p.grad?.dispose();
            p.grad = null;
          }
          losses.push((await loss.data())[0] as number);
          loss.dispose();
          counts.push(tf.memory().numTensors);
        }
      } finally {
        for (const t of [x, y, ...params]) t.dispose();
      }
      const first = counts[0] as number;
      const drift = counts.map((c, i) => [i + 1, c] as const).filter(([, c]) => c !== first);
      expect(drift, `tf.memory().numTensors after each step (step 1: ${first})`).toEqual([]);
      expect(memory().numTensors - parvusBefore, 'Parvus tensors left').toBe(0);
      expect(tf.memory().numTensors, 'every tf.Tensor is freed with the model').toBe(tfBefore);
      expect(losses[STEPS - 1]!, `the loss falls (${losses[0]} → ${losses[STEPS - 1]})`).toBeLessThan(0.5 * losses[0]!);
    }, 120_000);
  });
}
