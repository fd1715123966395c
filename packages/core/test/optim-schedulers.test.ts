// StepLR and CosineAnnealingLR: PyTorch's closed forms.
import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR, SGD, StepLR, parameter, tensor } from '@parvus/core';
import '@parvus/backend-reference';

function optimizer(lrs: number[]): SGD {
  return new SGD(lrs.map((lr) => ({ params: [parameter(tensor([1]))], lr })), { lr: 1 });
}

describe('StepLR', () => {
  it('decays every stepSize epochs: baseLr · gamma^⌊epoch/stepSize⌋', () => {
    const sgd = optimizer([1, 0.1]);
    const scheduler = new StepLR(sgd, { stepSize: 2, gamma: 0.5 });
    // The constructor takes the first step (epoch 0), as torch.
    expect(scheduler.lastEpoch).toBe(0);
    expect(scheduler.getLastLr()).toEqual([1, 0.1]);
    const seen: number[][] = [];
    for (let epoch = 1; epoch <= 5; epoch++) {
      scheduler.step();
      seen.push(sgd.paramGroups.map((g) => g.lr));
    }
    expect(seen).toEqual([[1, 0.1], [0.5, 0.05], [0.5, 0.05], [0.25, 0.025], [0.25, 0.025]]);
    expect(scheduler.getLastLr()).toEqual([0.25, 0.025]);
    expect(sgd.paramGroups.map((g) => g.initialLr)).toEqual([1, 0.1]);
    sgd.dispose();
  });

  it('resumes from a state dict or lastEpoch (which needs initialLr, as torch)', () => {
    const sgd = optimizer([1]);
    const a = new StepLR(sgd, { stepSize: 1, gamma: 0.1 });
    a.step();
    a.step();
    const state = a.stateDict();
    expect(state).toEqual({ lastEpoch: 2, baseLrs: [1], lastLr: [1 * 0.1 ** 2] });
    const b = new StepLR(sgd, { stepSize: 1, gamma: 0.1 });
    b.loadStateDict(state);
    b.step();
    expect(b.getLastLr()).toEqual([0.1 ** 3]);
    const resumed = new StepLR(sgd, { stepSize: 1, gamma: 0.1, lastEpoch: 4 });
    expect(resumed.lastEpoch).toBe(5);
    expect(resumed.getLastLr()).toEqual([0.1 ** 5]);
    expect(() => new StepLR(optimizer([1]), { stepSize: 1, lastEpoch: 3 })).toThrow(/param 'initialLr' is not specified in paramGroups\[0\] when resuming/);
    expect(() => new StepLR(optimizer([1]), { stepSize: 0 })).toThrow(/'stepSize' must be an integer ≥ 1/);
    expect(() => new StepLR(optimizer([1]), { stepSize: 1, gama: 0.1 } as never)).toThrow(/StepLR: unknown option 'gama'/);
    expect(() => new StepLR(optimizer([1]), {} as never)).toThrow(/StepLR: option 'stepSize' is required/);
    expect(() => new StepLR(optimizer([1]), undefined as never)).toThrow(/StepLR: expected one options object, e.g. new StepLR\(optimizer, \{ stepSize, gamma, lastEpoch \}\)/);
  });
});

describe('CosineAnnealingLR', () => {
  it('follows etaMin + (baseLr − etaMin)(1 + cos(π·epoch/tMax))/2', () => {
    const sgd = optimizer([1, 0.5]);
    const scheduler = new CosineAnnealingLR(sgd, { tMax: 4, etaMin: 0.1 });
    const lrs = [scheduler.getLastLr()];
    for (let epoch = 1; epoch <= 8; epoch++) {
      scheduler.step();
      lrs.push(scheduler.getLastLr());
    }
    const expected = (base: number, epoch: number): number => 0.1 + ((base - 0.1) * (1 + Math.cos((Math.PI * epoch) / 4))) / 2;
    lrs.forEach(([a, b], epoch) => {
      expect(a).toBeCloseTo(expected(1, epoch), 14);
      expect(b).toBeCloseTo(expected(0.5, epoch), 14);
    });
    expect(lrs[0]).toEqual([1, 0.5]);
    expect(lrs[2]?.[0]).toBeCloseTo(0.55, 14);
    expect(lrs[4]?.[0]).toBeCloseTo(0.1, 14);
    // The closed form goes on along the cosine after tMax.
    expect(lrs[8]?.[0]).toBeCloseTo(1, 14);
    expect(sgd.paramGroups[0]?.lr).toBe(lrs[8]?.[0]);
  });

  it('validates tMax', () => {
    expect(() => new CosineAnnealingLR(optimizer([1]), { tMax: 0 })).toThrow(/'tMax' must be an integer ≥ 1/);
    expect(() => new CosineAnnealingLR(optimizer([1]), { etaMin: 0.1 } as never)).toThrow(/CosineAnnealingLR: option 'tMax' is required/);
  });
});
