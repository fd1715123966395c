import { describe, expect, it } from 'vitest';
import * as P from '@parvus/core';
import '@parvus/backend-reference';

describe('memory and scopes', () => {
  it('tidy frees intermediates and keeps what it returns', () => {
    const before = P.memory().numTensors;
    const x = P.tensor([1, 2, 3]);
    const y = P.tidy(() => x.add(1).mul(2).sub(3));
    expect(Array.from(y.dataSync())).toEqual([1, 3, 5]);
    expect(P.memory().numTensors).toBe(before + 2);
    x.dispose();
    y.dispose();
    expect(P.memory().numTensors).toBe(before);
  });

  it('keep exempts a tensor from tidy; nested tidies hand results outwards', () => {
    const before = P.memory().numTensors;
    let kept: P.Tensor | null = null;
    const outer = P.tidy(() => {
      const inner = P.tidy(() => {
        kept = P.keep(P.ones([2]));
        P.zeros([5]);
        return P.full([3], 7);
      });
      return inner.add(1);
    });
    expect(Array.from(outer.dataSync())).toEqual([8, 8, 8]);
    expect(P.memory().numTensors).toBe(before + 2);
    outer.dispose();
    (kept as unknown as P.Tensor).dispose();
    expect(P.memory().numTensors).toBe(before);
  });

  it('reshape is a view on the same storage', () => {
    const x = P.arange(6);
    const ids = P.memory().numDataIds;
    const v = x.reshape([2, 3]);
    expect(P.memory().numDataIds).toBe(ids);
    x.dispose();
    expect(v.arraySync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    v.dispose();
    expect(P.memory().numDataIds).toBe(ids - 1);
  });

  it('using a disposed tensor is a clear error', () => {
    const x = P.tensor([1]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/disposed/);
  });

  it('tidy refuses async functions', () => {
    expect(() => P.tidy(() => Promise.resolve(1) as unknown as number)).toThrow(/async/);
  });
});

function gradOf(t: P.Tensor): number[] {
  return Array.from(t.grad?.dataSync() ?? []);
}

describe('autograd', () => {
  it('keeps tensors an op saved for backward until the tidy ends', () => {
    const w = P.parameter(P.tensor([1, 2, 3]));
    P.tidy(() => {
      // The scalar 3 becomes a temporary tensor inside mul; Mul's gradient needs it.
      const y = P.sum(P.mul(w, 3));
      y.backward();
    });
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual([3, 3, 3]);
    w.dispose();
  });

  it('accumulates gradients across backward calls, like PyTorch', () => {
    const w = P.parameter(P.tensor([2]));
    P.tidy(() => P.mul(w, w).sum().backward());
    P.tidy(() => P.mul(w, w).sum().backward());
    expect(w.grad?.item()).toBe(8);
    w.dispose();
  });

  it('refuses a second backward through a freed graph unless retained', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => {
      const y = P.exp(w).sum();
      y.backward(undefined, { retainGraph: true });
      y.backward();
      expect(() => y.backward()).toThrow(/second time/);
    });
    const e = Math.exp(1);
    expect(w.grad?.dataSync()[0]).toBeCloseTo(2 * e, 5);
    w.dispose();
  });

  it('refuses backward after an input was assigned in place', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => {
      const y = P.mul(w, w).sum();
      w.assign(P.tensor([5, 5]));
      expect(() => y.backward()).toThrow(/modified in place/);
    });
    w.dispose();
  });

  it('needs an upstream gradient for non-scalar outputs', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => {
      const y = P.mul(w, 2);
      expect(() => y.backward()).toThrow(/one-element output/);
      y.backward(P.tensor([1, 10]));
    });
    expect(Array.from(w.grad?.dataSync() ?? [])).toEqual([2, 20]);
    w.dispose();
  });

  it('records nothing under noGrad, and backward then refuses', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => {
      const y = P.noGrad(() => P.mul(w, 2).sum());
      expect(y.requiresGrad).toBe(false);
      expect(() => y.backward()).toThrow(/does not require grad/);
    });
    w.dispose();
  });

  it('straight-through round passes the gradient; plain round does not', () => {
    const w = P.parameter(P.tensor([0.4, 1.6]));
    P.tidy(() => P.roundSte(w).mul(P.tensor([1, 2])).sum().backward());
    expect(gradOf(w)).toEqual([1, 2]);
    w.grad?.dispose();
    w.grad = null;
    P.tidy(() => P.round(w).mul(P.tensor([1, 2])).sum().backward());
    expect(gradOf(w)).toEqual([0, 0]);
    w.dispose();
  });
});

describe('backend registry and kernel errors', () => {
  it('names the kernel and the backend when a kernel is missing', async () => {
    const { ReferenceBackend } = await import('@parvus/backend-reference');
    class Bare extends ReferenceBackend {
      override readonly name = 'bare';
    }
    P.registerBackend('bare', () => new Bare(), 0);
    await P.setBackend('bare');
    try {
      expect(() => P.tensor([1]).neg()).toThrow("Kernel 'Neg' is not registered for backend 'bare'.");
    } finally {
      await P.setBackend('reference');
      P.removeBackend('bare');
    }
  });

  it('reports every backend that failed to initialise', async () => {
    P.registerBackend('broken-a', () => {
      throw new Error('no GPU');
    }, 0);
    P.registerBackend('broken-b', () => Promise.reject(new Error('no wasm')), 0);
    await expect(P.setBackend('broken-a')).rejects.toThrow("Backend 'broken-a' failed to initialise: no GPU");
    await expect(P.setBackend('broken-b')).rejects.toThrow(/no wasm/);
    await expect(P.setBackend('missing')).rejects.toThrow(/not registered. Registered backends: .*'reference'/);
    P.removeBackend('broken-a');
    P.removeBackend('broken-b');
    expect(P.getBackend()).toBe('reference');
  });

  it('refuses a backend that implements another kernel specification', async () => {
    const { ReferenceBackend } = await import('@parvus/backend-reference');
    class Future extends ReferenceBackend {
      override readonly name = 'future';
      override readonly specificationVersion = 2;
    }
    P.registerBackend('future', () => new Future(), 0);
    await expect(P.setBackend('future')).rejects.toThrow(/kernel specification 2/);
    P.removeBackend('future');
  });
});

describe('input validation', () => {
  it('names shapes that do not broadcast', () => {
    expect(() => P.add(P.zeros([2, 3]), P.zeros([4]))).toThrow('Shapes [2, 3] and [4] of the operands of add cannot be broadcast together');
  });

  it('names a bad reshape', () => {
    expect(() => P.reshape(P.zeros([2, 3]), [4, -1])).toThrow('Cannot reshape a tensor of shape [2, 3] (6 elements) to [4, -1].');
  });

  it('names conv channel mismatches', () => {
    expect(() => P.conv2d(P.zeros([1, 3, 5, 5]), P.zeros([2, 2, 3, 3]))).toThrow(/input has 3 channels but weight \[2, 2, 3, 3\]/);
  });

  it('refuses invalid fakeQuantize ranges', () => {
    expect(() => P.fakeQuantize(P.zeros([2]), 0.1, 0, 5, 1)).toThrow(/quantMin ≤ quantMax/);
  });
});
