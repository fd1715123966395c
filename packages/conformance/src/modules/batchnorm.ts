/**
 * BatchNorm against values computed by hand in float64 (torch.nn.BatchNorm1d/2d): training
 * normalises with the batch mean and biased variance and updates the running mean and the
 * *unbiased* variance by the momentum (or a cumulative average when momentum is null); eval
 * normalises with the running statistics and leaves them alone.
 */
import type { BatchNorm, Tensor } from '@parvus/core';
import { BatchNorm1d, BatchNorm2d, tensor, tidy } from '@parvus/core';
import { expect } from 'vitest';
import type { Random } from '../random.js';
import type { Suite } from '../suite.js';
import { expectNear, read, withoutLeaks } from './check.js';

const EPS = 1e-5;

interface Stats {
  mean: Float64Array;
  /** Biased (divided by the count). */
  variance: Float64Array;
  count: number;
}

/** Per-channel statistics of x [N, C, ...spatial] over every axis but 1. */
function channelStats(x: Float32Array, shape: readonly number[]): Stats {
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2).reduce((a, b) => a * b, 1);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const count = n * spatial;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let b = 0; b < n; b++) for (let s = 0; s < spatial; s++) sum += x[(b * c + ch) * spatial + s] as number;
    const m = sum / count;
    let sq = 0;
    for (let b = 0; b < n; b++) for (let s = 0; s < spatial; s++) sq += ((x[(b * c + ch) * spatial + s] as number) - m) ** 2;
    mean[ch] = m;
    variance[ch] = sq / count;
  }
  return { mean, variance, count };
}

/** (x − mean) / √(var + eps) · weight + bias, per channel. */
function normalize(x: Float32Array, shape: readonly number[], mean: Float64Array, variance: Float64Array, weight: Float32Array, bias: Float32Array): Float64Array {
  const c = shape[1] as number;
  const spatial = shape.slice(2).reduce((a, b) => a * b, 1);
  return Float64Array.from(x, (v, i) => {
    const ch = Math.floor(i / spatial) % c;
    return ((v - (mean[ch] as number)) / Math.sqrt((variance[ch] as number) + EPS)) * (weight[ch] as number) + (bias[ch] as number);
  });
}

interface Case {
  create: () => BatchNorm;
  shape: readonly number[];
  /** Momentum of the running averages; null: cumulative average. */
  momentum: number | null;
}

/** Set a non-trivial weight and bias through the state dict (strict: false, buffers untouched). */
function setAffine(bn: BatchNorm, weight: Float32Array, bias: Float32Array): void {
  const w = tensor(weight);
  const b = tensor(bias);
  try {
    const result = bn.loadStateDict(new Map([['weight', w], ['bias', b]]), { strict: false });
    expect(result.unexpectedKeys).toEqual([]);
  } finally {
    w.dispose();
    b.dispose();
  }
}

async function forward(bn: BatchNorm, x: Float32Array, shape: readonly number[]): Promise<Awaited<ReturnType<typeof read>>> {
  const input = tensor(x, shape);
  const output = tidy(() => bn.forward(input));
  try {
    return await read(output);
  } finally {
    output.dispose();
    input.dispose();
  }
}

async function checkRunningStatistics(id: string, random: Random, precision: { eps: number }, c: Case): Promise<void> {
  const channels = c.shape[1] as number;
  const size = c.shape.reduce((a, b) => a * b, 1);
  const batches = [0, 1, 2].map(() => random.floats(size, -2, 3));
  const weight = random.floats(channels, 0.5, 2);
  const bias = random.floats(channels, -1, 1);
  await withoutLeaks(id, async () => {
    const bn = c.create();
    try {
      setAffine(bn, weight, bias);
      const runningMean = new Float64Array(channels);
      const runningVar = new Float64Array(channels).fill(1);
      let count = 0;
      let rtol = 0;
      for (const x of batches) {
        const stats = channelStats(x, c.shape);
        rtol = 16 * precision.eps * (Math.sqrt(stats.count) + 1);
        const y = await forward(bn, x, c.shape);
        expectNear(y, normalize(x, c.shape, stats.mean, stats.variance, weight, bias), rtol, `${id}: training output (batch ${count + 1}), batch statistics`);
        count += 1;
        const factor = c.momentum ?? 1 / count;
        for (let ch = 0; ch < channels; ch++) {
          const unbiased = ((stats.variance[ch] as number) * stats.count) / (stats.count - 1);
          runningMean[ch] = (1 - factor) * (runningMean[ch] as number) + factor * (stats.mean[ch] as number);
          runningVar[ch] = (1 - factor) * (runningVar[ch] as number) + factor * unbiased;
        }
      }
      const tracked = await read(bn.numBatchesTracked as Tensor);
      expect(tracked.dtype).toBe('int32');
      expect(Array.from(tracked.values), `${id}: numBatchesTracked`).toEqual([batches.length]);
      const mean = await read(bn.runningMean as Tensor);
      const variance = await read(bn.runningVar as Tensor);
      expectNear(mean, runningMean, rtol, `${id}: runningMean after ${batches.length} batches`);
      expectNear(variance, runningVar, rtol, `${id}: runningVar (unbiased) after ${batches.length} batches`);

      bn.eval();
      const x = random.floats(size, -2, 3);
      const y = await forward(bn, x, c.shape);
      expectNear(y, normalize(x, c.shape, runningMean, runningVar, weight, bias), rtol, `${id}: eval output, running statistics`);
      // Eval leaves the statistics alone.
      expect(Array.from((await read(bn.runningMean as Tensor)).values), `${id}: runningMean after an eval forward`).toEqual(Array.from(mean.values));
      expect(Array.from((await read(bn.runningVar as Tensor)).values), `${id}: runningVar after an eval forward`).toEqual(Array.from(variance.values));
      expect(Array.from((await read(bn.numBatchesTracked as Tensor)).values), `${id}: numBatchesTracked after an eval forward`).toEqual([batches.length]);
    } finally {
      bn.dispose();
    }
  });
}

export function registerBatchNormTests(suite: Suite): void {
  const cases: Array<[string, Case]> = [
    ['BatchNorm2d/running-statistics', { create: () => new BatchNorm2d({ numFeatures: 3 }), shape: [4, 3, 2, 3], momentum: 0.1 }],
    ['BatchNorm2d/running-statistics-momentum-0.5', { create: () => new BatchNorm2d({ numFeatures: 2, momentum: 0.5 }), shape: [3, 2, 3, 3], momentum: 0.5 }],
    ['BatchNorm1d/running-statistics-2d', { create: () => new BatchNorm1d({ numFeatures: 5 }), shape: [6, 5], momentum: 0.1 }],
    ['BatchNorm1d/running-statistics-3d', { create: () => new BatchNorm1d({ numFeatures: 3 }), shape: [2, 3, 4], momentum: 0.1 }],
  ];
  for (const [id, c] of cases) {
    suite.test(id, async ({ random, tolerance }) => checkRunningStatistics(id, random, tolerance, c));
  }

  suite.test('BatchNorm2d/cumulative-average', async ({ random, tolerance }) => {
    await checkRunningStatistics('BatchNorm2d/cumulative-average', random, tolerance, {
      create: () => new BatchNorm2d({ numFeatures: 2, momentum: null }),
      shape: [3, 2, 2, 2],
      momentum: null,
    });
  });

  suite.test('BatchNorm2d/without-running-statistics', async ({ random, tolerance }) => {
    // trackRunningStats: false normalises with the batch statistics in eval mode too.
    const shape = [3, 2, 2, 2];
    const x = random.floats(24, -2, 3);
    await withoutLeaks('BatchNorm2d/without-running-statistics', async () => {
      const bn = new BatchNorm2d({ numFeatures: 2, trackRunningStats: false, affine: false });
      try {
        expect(bn.stateDict().size).toBe(0);
        bn.eval();
        const stats = channelStats(x, shape);
        const y = await forward(bn, x, shape);
        const one = new Float32Array([1, 1]);
        const zero = new Float32Array([0, 0]);
        expectNear(y, normalize(x, shape, stats.mean, stats.variance, one, zero), 16 * tolerance.eps * (Math.sqrt(stats.count) + 1), 'eval output with batch statistics');
      } finally {
        bn.dispose();
      }
    });
  });
}
