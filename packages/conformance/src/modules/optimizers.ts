/**
 * Optimizer steps against values computed by hand in float64 from PyTorch's documented update
 * rules (torch.optim.SGD, Adam, AdamW in torch 1.13). Each test takes three steps with a different
 * gradient each time (the gradient of sum(p · c) is exactly c), then compares the parameters and
 * the optimizer's state. A wrong rule (bias correction, where eps or the weight decay enters,
 * Nesterov's look-ahead, dampening on the first step) is off by far more than the tolerance.
 */
import type { Optimizer, Tensor } from '@parvus/core';
import { Adam, AdamW, SGD, mul, tensor, tidy } from '@parvus/core';
import { expect } from 'vitest';
import type { Random } from '../random.js';
import type { Suite } from '../suite.js';
import { expectNear, liveTensors, newParameter, read, withoutLeaks } from './check.js';

const STEPS = 3;
const SHAPES: ReadonlyArray<readonly number[]> = [[2, 3], [4]];

interface SgdSettings {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

interface AdamSettings {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** One parameter's values through the steps, in float64. */
interface Trajectory {
  /** Parameter values after each step. */
  params: Float64Array;
  /** Named state after the last step. */
  state: Record<string, Float64Array>;
  /** |p₀| + Σ|Δp|: the scale of the rounding errors a float32 computation accumulates. */
  magnitude: Float64Array;
}

/** torch.optim.SGD, element-wise in float64. */
function sgdReference(p0: Float32Array, grads: readonly Float32Array[], s: SgdSettings): Trajectory {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = s;
  const p = Float64Array.from(p0);
  const magnitude = Float64Array.from(p0, Math.abs);
  const buf = new Float64Array(p.length);
  grads.forEach((g, t) => {
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -(g[i] as number) : (g[i] as number);
      if (weightDecay !== 0) d += weightDecay * (p[i] as number);
      if (momentum !== 0) {
        buf[i] = t === 0 ? d : momentum * (buf[i] as number) + (1 - dampening) * d;
        d = nesterov ? d + momentum * (buf[i] as number) : (buf[i] as number);
      }
      p[i] = (p[i] as number) - lr * d;
      magnitude[i] = (magnitude[i] as number) + Math.abs(lr * d);
    }
  });
  return { params: p, state: momentum !== 0 ? { momentumBuffer: buf } : {}, magnitude };
}

/** torch.optim.Adam (decoupled: AdamW), element-wise in float64. */
function adamReference(p0: Float32Array, grads: readonly Float32Array[], s: AdamSettings, decoupled: boolean): Trajectory {
  const { lr, betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8, weightDecay = decoupled ? 1e-2 : 0, amsgrad = false, maximize = false } = s;
  const p = Float64Array.from(p0);
  const magnitude = Float64Array.from(p0, Math.abs);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const vMax = new Float64Array(p.length);
  grads.forEach((g, t) => {
    const step = t + 1;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    for (let i = 0; i < p.length; i++) {
      let grad = maximize ? -(g[i] as number) : (g[i] as number);
      let param = p[i] as number;
      if (weightDecay !== 0) {
        if (decoupled) param *= 1 - lr * weightDecay;
        else grad += weightDecay * param;
      }
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * grad;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * grad * grad;
      vMax[i] = Math.max(vMax[i] as number, v[i] as number);
      const second = amsgrad ? (vMax[i] as number) : (v[i] as number);
      const denom = Math.sqrt(second) / Math.sqrt(biasCorrection2) + eps;
      const update = ((lr / biasCorrection1) * (m[i] as number)) / denom;
      magnitude[i] = (magnitude[i] as number) + Math.abs(param - (p[i] as number)) + Math.abs(update);
      p[i] = param - update;
    }
  });
  const state: Record<string, Float64Array> = { expAvg: m, expAvgSq: v };
  if (amsgrad) state.maxExpAvgSq = vMax;
  return { params: p, state, magnitude };
}

interface Problem {
  initial: Float32Array[];
  /** grads[step][param] */
  grads: Float32Array[][];
}

function problem(random: Random): Problem {
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  return {
    initial: SHAPES.map((shape) => random.floats(size(shape), -1, 1)),
    grads: Array.from({ length: STEPS }, () => SHAPES.map((shape) => random.floats(size(shape), -1, 1))),
  };
}

/**
 * Take the steps on the backend: each step sets the gradients with backward of Σ sum(p · c), then
 * steps. Returns the parameters, their named state tensors, the step counts, and the live tensor
 * counts after each step.
 */
async function runOptimizer(
  make: (params: Tensor[]) => Optimizer,
  { initial, grads }: Problem,
  stateNames: readonly string[],
): Promise<{ params: Awaited<ReturnType<typeof read>>[]; state: Array<Record<string, Awaited<ReturnType<typeof read>>>>; steps: unknown[]; live: number[] }> {
  const params = initial.map((values, i) => newParameter(values, SHAPES[i] as number[]));
  const optimizer = make(params);
  const live: number[] = [];
  try {
    for (const stepGrads of grads) {
      tidy(() => {
        optimizer.zeroGrad();
        const terms = params.map((p, i) => mul(p, tensor(stepGrads[i] as Float32Array, p.shape)).sum());
        terms.reduce((a, b) => a.add(b)).backward();
      });
      optimizer.step();
      live.push(liveTensors());
    }
    const results = [];
    const state = [];
    const steps = [];
    for (const p of params) {
      results.push(await read(p));
      const own = optimizer.state.get(p) ?? {};
      const named: Record<string, Awaited<ReturnType<typeof read>>> = {};
      for (const name of stateNames) {
        const value = own[name];
        if (!value || typeof value === 'number') throw new Error(`the optimizer has no state tensor '${name}' for a parameter`);
        named[name] = await read(value);
      }
      state.push(named);
      steps.push(own.step);
    }
    return { params: results, state, steps, live };
  } finally {
    optimizer.dispose();
    for (const p of params) p.dispose();
  }
}

async function checkAgainst(
  id: string,
  random: Random,
  eps: number,
  make: (params: Tensor[]) => Optimizer,
  reference: (p0: Float32Array, grads: readonly Float32Array[]) => Trajectory,
  stateNames: readonly string[],
): Promise<unknown[]> {
  const data = problem(random);
  let steps: unknown[] = [];
  await withoutLeaks(id, async () => {
    const run = await runOptimizer(make, data, stateNames);
    steps = run.steps;
    // After the first step (state and gradients appear) nothing accumulates.
    expect(new Set(run.live.slice(1)).size, `${id}: live tensors after each step ${run.live.join(', ')}`).toBe(1);
    const rtol = 32 * eps * STEPS;
    data.initial.forEach((p0, i) => {
      const expected = reference(p0, data.grads.map((g) => g[i] as Float32Array));
      expectNear(run.params[i]!, expected.params, rtol, `${id}: parameter ${i} after ${STEPS} steps`, expected.magnitude);
      for (const name of stateNames) {
        expectNear(run.state[i]![name]!, expected.state[name]!, rtol, `${id}: state '${name}' of parameter ${i}`);
      }
    });
  });
  return steps;
}

export function registerOptimizerTests(suite: Suite): void {
  const sgdCases: Array<[string, SgdSettings]> = [
    ['plain', { lr: 0.1 }],
    ['momentum', { lr: 0.1, momentum: 0.9 }],
    ['momentum-dampening', { lr: 0.1, momentum: 0.9, dampening: 0.3 }],
    ['nesterov', { lr: 0.1, momentum: 0.9, nesterov: true }],
    ['weight-decay', { lr: 0.1, weightDecay: 0.05 }],
    ['momentum-weight-decay', { lr: 0.05, momentum: 0.8, weightDecay: 0.1 }],
    ['nesterov-weight-decay-maximize', { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true }],
  ];
  for (const [name, settings] of sgdCases) {
    const id = `SGD/${name}`;
    suite.test(id, async ({ random, tolerance }) => {
      const stateNames = settings.momentum ? ['momentumBuffer'] : [];
      await checkAgainst(id, random, tolerance.eps, (params) => new SGD(params, settings), (p0, g) => sgdReference(p0, g, settings), stateNames);
    });
  }

  const adamCases: Array<[string, 'Adam' | 'AdamW', AdamSettings]> = [
    ['Adam/defaults', 'Adam', { lr: 0.1 }],
    // eps = 0.01 makes where eps enters (after the bias-corrected square root) visible.
    ['Adam/eps-placement', 'Adam', { lr: 0.1, betas: [0.8, 0.99], eps: 0.01 }],
    ['Adam/weight-decay', 'Adam', { lr: 0.05, weightDecay: 0.1 }],
    ['Adam/amsgrad-maximize', 'Adam', { lr: 0.05, amsgrad: true, maximize: true }],
    ['AdamW/defaults', 'AdamW', { lr: 0.1 }],
    ['AdamW/weight-decay', 'AdamW', { lr: 0.05, weightDecay: 0.5, betas: [0.5, 0.9] }],
  ];
  for (const [id, kind, settings] of adamCases) {
    suite.test(id, async ({ random, tolerance }) => {
      const stateNames = settings.amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'];
      const make = (params: Tensor[]): Optimizer => (kind === 'Adam' ? new Adam(params, settings) : new AdamW(params, settings));
      const steps = await checkAgainst(id, random, tolerance.eps, make, (p0, g) => adamReference(p0, g, settings, kind === 'AdamW'), stateNames);
      expect(steps, `${id}: the step count in the state`).toEqual(SHAPES.map(() => STEPS));
    });
  }

  suite.test('SGD/param-groups', async ({ random, tolerance }) => {
    // Two groups with their own hyperparameters: each follows its own rule.
    const groups: [SgdSettings, SgdSettings] = [{ lr: 0.1, momentum: 0.9 }, { lr: 0.02, weightDecay: 0.3 }];
    const data = problem(random);
    await withoutLeaks('SGD/param-groups', async () => {
      const run = await runOptimizer(
        (params) => new SGD([{ params: [params[0] as Tensor], ...groups[0] }, { params: [params[1] as Tensor], ...groups[1] }], { lr: 1 }),
        data,
        [],
      );
      data.initial.forEach((p0, i) => {
        const expected = sgdReference(p0, data.grads.map((g) => g[i] as Float32Array), groups[i] as SgdSettings);
        expectNear(run.params[i]!, expected.params, 32 * tolerance.eps * STEPS, `SGD/param-groups: parameter ${i}`, expected.magnitude);
      });
    });
  });
}
