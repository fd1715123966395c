// Imports the built package (dist/) by name: a package that only works from source fails here.
import { describe, expect, it } from 'vitest';
import * as core from '@parvus/core';
import '@parvus/backend-reference';

describe('@parvus/core built output', () => {
  it('exports the engine, ops and kernel contract', () => {
    expect(typeof core.tensor).toBe('function');
    expect(typeof core.tidy).toBe('function');
    expect(core.KERNEL_SPECIFICATION_VERSION).toBe(1);
    expect(core.ALL_KERNELS).toContain('Conv2D');
  });

  it('runs an op and a backward pass on the reference backend', () => {
    const x = core.tensor([[1, -2], [3, 4]]);
    const w = core.parameter(core.tensor([[0.5], [-1]]));
    const y = core.tidy(() => {
      const out = core.matmul(x, w).relu().sum();
      out.backward();
      return out;
    });
    // x·w = [[2.5], [-2.5]] → relu → 2.5; d/dw = xᵀ·[1, 0]ᵀ = [1, -2]
    expect(y.item()).toBe(2.5);
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual([1, -2]);
    expect(core.getBackend()).toBe('reference');
  });
});
