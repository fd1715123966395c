// SGD, Adam and AdamW against PyTorch's update rules, computed by hand in float64.
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, Linear, SGD, ValueError, memory, parameter, tensor, tidy } from '@parvus/core';
import type { Tensor } from '@parvus/core';
import '@parvus/backend-reference';

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    expect(Math.abs((actual[i] as number) - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  }
}

const C = [1, -2, 0.5];
const P0 = [0.3, -0.7, 1.2];

/** Gradient of Σ (c·p + ½ p²): c + p. */
function backwardQuadratic(p: Tensor): void {
  tidy(() => p.mul(tensor(C)).add(p.square().mul(0.5)).sum().backward());
}

/** Run `steps` steps of `optimizer` on the quadratic, returning p after each. */
function run(p: Tensor, optimizer: { zeroGrad(): void; step(): void }, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    backwardQuadratic(p);
    optimizer.step();
    out.push(values(p));
  }
  return out;
}

interface SgdRule { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean }

/** torch.optim.SGD's single-tensor rule, in float64. */
function sgdReference(rule: SgdRule, steps: number): number[][] {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = rule;
  const p = [...P0];
  let buf: number[] | null = null;
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    let g = p.map((v, i) => (C[i] as number) + v).map((v) => (maximize ? -v : v));
    g = g.map((v, i) => v + weightDecay * (p[i] as number));
    if (momentum !== 0) {
      buf = buf === null ? [...g] : buf.map((b, i) => momentum * b + (1 - dampening) * (g[i] as number));
      const b = buf;
      g = nesterov ? g.map((v, i) => v + momentum * (b[i] as number)) : [...b];
    }
    for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - lr * (g[i] as number);
    out.push([...p]);
  }
  return out;
}

interface AdamRule { lr: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; decoupled?: boolean; maximize?: boolean }

/** torch.optim.Adam / AdamW's single-tensor rule, in float64. */
function adamReference(rule: AdamRule, steps: number): number[][] {
  const { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, decoupled = false, maximize = false } = rule;
  const [b1, b2] = betas;
  const p = [...P0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vMax = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < p.length; i++) {
      let g = (C[i] as number) + (p[i] as number);
      if (maximize) g = -g;
      if (decoupled) p[i] = (p[i] as number) * (1 - lr * weightDecay);
      else g += weightDecay * (p[i] as number);
      m[i] = b1 * (m[i] as number) + (1 - b1) * g;
      v[i] = b2 * (v[i] as number) + (1 - b2) * g * g;
      vMax[i] = Math.max(vMax[i] as number, v[i] as number);
      const second = amsgrad ? (vMax[i] as number) : (v[i] as number);
      const denom = Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] = (p[i] as number) - (lr / (1 - b1 ** t)) * ((m[i] as number) / denom);
    }
    out.push([...p]);
  }
  return out;
}

describe('SGD', () => {
  it('first steps by hand: p − lr·g, momentum buffers b₁ = g, b₂ = μ·b₁ + (1 − τ)·g', () => {
    // Constant gradient g = C (loss Σ c·p).
    const check = (options: ConstructorParameters<typeof SGD>[1], steps: number[][]): void => {
      const p = parameter(tensor(P0));
      const sgd = new SGD([p], options);
      steps.forEach((expected) => {
        sgd.zeroGrad();
        tidy(() => p.mul(tensor(C)).sum().backward());
        sgd.step();
        expectClose(values(p), expected);
      });
      sgd.dispose();
      p.dispose();
    };
    const after = (...factors: number[]): number[][] => {
      let total = 0;
      return factors.map((f) => {
        total += f;
        return P0.map((p, i) => p - 0.1 * total * (C[i] as number));
      });
    };
    check({ lr: 0.1 }, after(1, 1));
    check({ lr: 0.1, momentum: 0.9 }, after(1, 1.9, 2.71));
    check({ lr: 0.1, momentum: 0.9, dampening: 0.5 }, after(1, 1.4, 1.76));
    check({ lr: 0.1, momentum: 0.9, nesterov: true }, after(1.9, 2.71));
    check({ lr: 0.1, maximize: true }, after(-1, -1));
  });

  for (const rule of [
    { lr: 0.1 },
    { lr: 0.05, momentum: 0.9 },
    { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 },
    { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 },
  ] as SgdRule[]) {
    it(`follows torch's rule for five steps: ${JSON.stringify(rule)}`, () => {
      const p = parameter(tensor(P0));
      const sgd = new SGD([p], rule);
      const got = run(p, sgd, 5);
      sgdReference(rule, 5).forEach((expected, s) => expectClose(got[s] as number[], expected, 2e-6));
      sgd.dispose();
      p.dispose();
    });
  }

  it('validates options as torch does', () => {
    const p = parameter(tensor([1]));
    expect(() => new SGD([p], { lr: -1 })).toThrow(/SGD: invalid learning rate: -1/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new SGD([p], { lr: 0.1, momentun: 0.9 } as never)).toThrow(/SGD: unknown option 'momentun'/);
    expect(() => new SGD([p], { lr: 0.1, toString: 1 } as never)).toThrow(/SGD: unknown option 'toString'/);
    expect(() => new SGD([p], 0.1 as never)).toThrow(/SGD: expected one options object, e.g. new SGD\(params, \{ lr, /);
    expect(() => new SGD([{ params: [p], lr: 0.1, momentun: 0.9 } as never])).toThrow(/SGD parameter group: unknown option 'momentun'. Known options: lr, momentum/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(/more than one parameter group/);
    expect(() => new SGD([p.mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
    expect(() => new SGD([tensor([1], [1], 'int32')], { lr: 0.1 })).toThrow(ValueError);
    const sgd = new SGD([p], { lr: 0.1 });
    sgd.paramGroups[0]!.lr = -0.5;
    expect(() => sgd.step()).toThrow(/invalid learning rate: -0.5/);
    p.dispose();
  });
});

describe('Adam and AdamW', () => {
  it('first steps by hand: bias correction makes each step ≈ lr·sign(g) for a constant gradient', () => {
    const p = parameter(tensor(P0));
    const adam = new Adam([p], { lr: 0.1 });
    for (let step = 1; step <= 2; step++) {
      adam.zeroGrad();
      tidy(() => p.mul(tensor(C)).sum().backward());
      adam.step();
      // m̂ = g, v̂ = g², so p −= lr · g / (|g| + eps).
      expectClose(values(p), P0.map((v, i) => v - step * 0.1 * ((C[i] as number) / (Math.abs(C[i] as number) + 1e-8))));
    }
    const state = adam.state.get(p);
    expect(state?.step).toBe(2);
    expectClose(values(state?.expAvg as Tensor), C.map((g) => 0.19 * g));
    expectClose(values(state?.expAvgSq as Tensor), C.map((g) => (0.999 * 0.001 + 0.001) * g * g));
    adam.dispose();
    p.dispose();
  });

  it('AdamW decays the weights first: p·(1 − lr·λ), then the Adam step', () => {
    const p = parameter(tensor(P0));
    const adamw = new AdamW([p], { lr: 0.1, weightDecay: 0.1 });
    tidy(() => p.mul(tensor(C)).sum().backward());
    adamw.step();
    expectClose(values(p), P0.map((v, i) => v * (1 - 0.01) - 0.1 * Math.sign(C[i] as number)));
    expect(adamw.paramGroups[0]?.weightDecay).toBe(0.1);
    expect(new AdamW([parameter(tensor([1]))]).defaults.weightDecay).toBe(0.01);
    expect(new Adam([parameter(tensor([1]))]).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    adamw.dispose();
    p.dispose();
  });

  for (const rule of [
    { lr: 0.01 },
    { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 },
    { lr: 0.05, amsgrad: true },
    { lr: 0.02, weightDecay: 0.05, decoupled: true },
    { lr: 0.02, weightDecay: 0.05, decoupled: true, amsgrad: true, maximize: true },
  ] as AdamRule[]) {
    it(`follows torch's rule for five steps: ${JSON.stringify(rule)}`, () => {
      const p = parameter(tensor(P0));
      const { decoupled, ...options } = rule;
      const optimizer = decoupled ? new AdamW([p], options) : new Adam([p], options);
      const got = run(p, optimizer, 5);
      adamReference(rule, 5).forEach((expected, s) => expectClose(got[s] as number[], expected, 2e-6));
      optimizer.dispose();
      p.dispose();
    });
  }

  it('validates betas and eps', () => {
    const p = parameter(tensor([1]));
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow(/Adam: invalid beta parameter at index 0: 1/);
    expect(() => new AdamW([p], { eps: -1 })).toThrow(/AdamW: invalid epsilon value: -1/);
    p.dispose();
  });
});

describe('Optimizer', () => {
  it('applies per-group hyperparameters and skips parameters without gradients', () => {
    const a = parameter(tensor([1]));
    const b = parameter(tensor([1]));
    const frozen = parameter(tensor([1]));
    const sgd = new SGD([{ params: [a] }, { params: [b, frozen], lr: 0.5 }], { lr: 0.1 });
    expect(sgd.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    tidy(() => a.add(b).sum().backward());
    sgd.step();
    expectClose(values(a), [0.9]);
    expectClose(values(b), [0.5]);
    expect(values(frozen)).toEqual([1]);
    expect(frozen.grad).toBeNull();
    sgd.zeroGrad();
    expect(a.grad).toBeNull();
    for (const t of [a, b, frozen]) t.dispose();
  });

  it('steps without leaking: state is created once, then updated with assign', () => {
    const model = new Linear({ inFeatures: 3, outFeatures: 2 });
    const x = tensor([[1, 2, 3]]);
    const optimizers = [
      new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
      new Adam(model.parameters(), { lr: 0.1, amsgrad: true }),
    ];
    for (const optimizer of optimizers) {
      const counts: number[] = [];
      for (let i = 0; i < 4; i++) {
        tidy(() => {
          optimizer.zeroGrad();
          model.forward(x).square().sum().backward();
          optimizer.step();
        });
        counts.push(memory().numTensors);
      }
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(counts[0]).toBe(counts[3]);
      const before = memory().numTensors;
      optimizer.dispose();
      expect(memory().numTensors).toBeLessThan(before);
    }
    model.dispose();
    x.dispose();
  });

  it('stateDict / loadStateDict resumes exactly', () => {
    const x = tensor([[1, -2, 3]]);
    const train = (model: Linear, optimizer: Adam, steps: number): void => {
      for (let i = 0; i < steps; i++) {
        tidy(() => {
          optimizer.zeroGrad();
          model.forward(x).square().sum().backward();
          optimizer.step();
        });
      }
    };
    const a = new Linear({ inFeatures: 3, outFeatures: 2 });
    const optA = new Adam(a.parameters(), { lr: 0.05 });
    train(a, optA, 3);
    const b = new Linear({ inFeatures: 3, outFeatures: 2 });
    b.loadStateDict(a.stateDict());
    const optB = new Adam(b.parameters(), { lr: 0.9 });
    const saved = optA.stateDict();
    expect(saved.paramGroups).toEqual([{ lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0, 1] }]);
    expect([...saved.state.keys()]).toEqual([0, 1]);
    expect(saved.state.get(0)?.step).toBe(3);
    optB.loadStateDict(saved);
    expect(optB.paramGroups[0]?.lr).toBe(0.05);
    train(a, optA, 2);
    train(b, optB, 2);
    expect(values(b.weight)).toEqual(values(a.weight));
    expect(values(b.bias as Tensor)).toEqual(values(a.bias as Tensor));
    expect(() => new Adam([parameter(tensor([1]))]).loadStateDict(saved)).toThrow(/parameter group 0 has 2 parameters in the state dict and 1/);
    for (const d of [optA, optB, a, b, x]) d.dispose();
  });
});
