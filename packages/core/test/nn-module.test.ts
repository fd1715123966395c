// Module: registration, iteration order, modes, state dicts, repr, gradients and memory.
// Tests import core by its package name (the built dist), as the reference backend does, so
// both share one engine.
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ParvusError,
  ReLU,
  Sequential,
  StateDictError,
  ValueError,
  manualSeed,
  memory,
  nn,
  ones,
  parameter,
  tensor,
  tidy,
  zeros,
} from '@parvus/core';
import type { LoadStateDictContext, StateDict, Tensor } from '@parvus/core';
import '@parvus/backend-reference';

/** A module with its own parameter, a persistent and a non-persistent buffer, and a child. */
class Block extends Module {
  readonly fc: Linear;

  constructor() {
    super();
    this.registerParameter('scale', ones([2]));
    this.registerBuffer('count', zeros([], 'int32'));
    this.registerBuffer('scratch', zeros([2]), false);
    this.fc = this.registerModule('fc', new Linear({ inFeatures: 2, outFeatures: 2 }));
  }

  forward(x: Tensor): Tensor {
    return this.fc.forward(x.mul(this.getParameter('scale')));
  }
}

function lenet(): Sequential {
  return new Sequential(
    new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5 }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Flatten(),
    new Linear({ inFeatures: 6 * 4 * 4, outFeatures: 10 }),
  );
}

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('Module registration and iteration', () => {
  it('keeps parameters, buffers and children in insertion order with dotted names', () => {
    const block = new Block();
    expect(block.namedParameters().map(([n]) => n)).toEqual(['scale', 'fc.weight', 'fc.bias']);
    expect(block.namedBuffers().map(([n]) => n)).toEqual(['count', 'scratch']);
    expect(block.namedModules().map(([n]) => n)).toEqual(['', 'fc']);
    expect(block.children()).toEqual([block.fc]);
    expect(block.namedParameters('', false).map(([n]) => n)).toEqual(['scale']);
    expect(block.parameters()).toHaveLength(3);
    expect(block.getParameter('fc.weight')).toBe(block.fc.weight);
    expect(block.getBuffer('count').dtype).toBe('int32');
    expect(block.getSubmodule('fc')).toBe(block.fc);
    expect(() => block.getSubmodule('nope')).toThrow(/no submodule 'nope'/);
    block.dispose();
  });

  it('makes registered parameters kept leaves that require grad', () => {
    const block = new Block();
    for (const p of block.parameters()) {
      expect(p.kept).toBe(true);
      expect(p.requiresGrad).toBe(true);
    }
    expect(block.getBuffer('count').requiresGrad).toBe(false);
    // A leaf made with parameter() keeps its own requiresGrad.
    class Frozen extends Module {
      constructor() {
        super();
        const p = parameter(tensor([1, 2]));
        p.requiresGrad = false;
        this.registerParameter('frozen', p);
      }
      forward(): void {}
    }
    const frozen = new Frozen();
    expect(frozen.getParameter('frozen').requiresGrad).toBe(false);
    frozen.dispose();
    block.dispose();
  });

  it('rejects bad names and name clashes', () => {
    class Bad extends Module {
      forward(): void {}
    }
    const m = new Bad();
    expect(() => m.registerParameter('a.b', ones([1]))).toThrow(ValueError);
    expect(() => m.registerParameter('', ones([1]))).toThrow(/invalid parameter name/);
    m.registerBuffer('x', zeros([1]));
    expect(() => m.registerParameter('x', ones([1]))).toThrow(/a buffer of that name exists/);
    expect(() => m.registerModule('x', new ReLU())).toThrow(/a buffer of that name exists/);
    expect(() => m.registerParameter('y', tensor([1], [1], 'int32'))).toThrow(/must be float32/);
    m.dispose();
  });

  it('lists a shared module and parameter once', () => {
    const shared = new Linear({ inFeatures: 2, outFeatures: 2 });
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.namedModules().map(([n]) => n)).toEqual(['', '0', '1']);
    expect(seq.parameters()).toHaveLength(2);
    // state_dict lists every path, as PyTorch's does.
    expect([...seq.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    seq.dispose();
  });
});

describe('train / eval', () => {
  it('propagates the mode to every descendant and returns the module', () => {
    const model = new Sequential(new Block(), new Sequential(new Dropout(), new BatchNorm2d({ numFeatures: 1 })));
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(model.eval()).toBe(model);
    expect(model.modules().every((m) => !m.training)).toBe(true);
    model.train();
    expect(model.modules().every((m) => m.training)).toBe(true);
    model.train(false);
    expect(model.modules().every((m) => !m.training)).toBe(true);
    model.dispose();
  });
});

describe('stateDict / loadStateDict', () => {
  it('uses dotted keys, parameters before buffers, non-persistent buffers left out', () => {
    const model = new Sequential({ block: new Block(), bn: new BatchNorm2d({ numFeatures: 3 }) });
    expect([...model.stateDict().keys()]).toEqual([
      'block.scale', 'block.count', 'block.fc.weight', 'block.fc.bias',
      'bn.weight', 'bn.bias', 'bn.runningMean', 'bn.runningVar', 'bn.numBatchesTracked',
    ]);
    expect([...lenet().stateDict().keys()]).toEqual(['0.weight', '0.bias', '4.weight', '4.bias']);
    model.dispose();
  });

  it('round-trips into another model and survives disposing the source', () => {
    manualSeed(1);
    const a = lenet();
    const b = lenet();
    const bWeight = b.getParameter('0.weight');
    expect(values(bWeight)).not.toEqual(values(a.getParameter('0.weight')));
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [name, t] of a.stateDict()) expect(values(b.stateDict().get(name) as Tensor)).toEqual(values(t));
    // Same tensor objects (assign), no aliasing of the caller's tensor objects.
    expect(b.getParameter('0.weight')).toBe(bWeight);
    const expected = values(a.getParameter('4.bias'));
    a.dispose();
    expect(values(b.getParameter('4.bias'))).toEqual(expected);
    b.dispose();
  });

  it('accepts a plain object and loaded tensors disposed afterwards', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1 });
    const w = tensor([[3, 4]]);
    const bias = tensor([5]);
    m.loadStateDict({ weight: w, bias });
    w.dispose();
    bias.dispose();
    expect(values(m.weight)).toEqual([3, 4]);
    expect(values(tidy(() => m.forward(tensor([[1, 1]]))))).toEqual([12]);
    m.dispose();
  });

  it('strict: throws listing missing and unexpected keys, and loads nothing', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1 });
    const before = values(m.weight);
    const w = tensor([[3, 4]]);
    const extra = tensor([1]);
    let error: unknown;
    try {
      m.loadStateDict(new Map([['weight', w], ['extra', extra]]));
    } catch (e) {
      error = e;
    }
    expect(StateDictError.isInstance(error)).toBe(true);
    expect(ParvusError.isInstance(error)).toBe(true);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['bias']);
    expect(e.unexpectedKeys).toEqual(['extra']);
    expect(e.message).toBe(
      'Error(s) in loading state_dict for Linear:\n' +
        '\tMissing key(s) in state_dict: "bias".\n' +
        '\tUnexpected key(s) in state_dict: "extra".',
    );
    expect(values(m.weight)).toEqual(before);
    w.dispose();
    extra.dispose();
    m.dispose();
  });

  it('non-strict: loads what matches and reports the rest', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1 });
    const w = tensor([[3, 4]]);
    const extra = tensor([1]);
    const result = m.loadStateDict({ weight: w, extra }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(values(m.weight)).toEqual([3, 4]);
    w.dispose();
    extra.dispose();
    m.dispose();
  });

  it('shape and dtype mismatches are errors even when not strict (as PyTorch), naming the key', () => {
    const model = new Sequential(new Linear({ inFeatures: 2, outFeatures: 1 }), new BatchNorm2d({ numFeatures: 2 }));
    const sd = new Map(model.stateDict());
    const wrongShape = zeros([3, 2]);
    const wrongDType = zeros([], 'float32');
    sd.set('0.weight', wrongShape);
    sd.set('1.numBatchesTracked', wrongDType);
    const bias = values(model.getParameter('0.bias'));
    let error: StateDictError | undefined;
    try {
      model.loadStateDict(sd, { strict: false });
    } catch (e) {
      error = e as StateDictError;
    }
    expect(error?.name).toBe('StateDictError');
    expect(error?.mismatches.map((m) => m.key)).toEqual(['0.weight', '1.numBatchesTracked']);
    expect(error?.message).toContain(
      'size mismatch for 0.weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [1, 2].',
    );
    expect(error?.message).toContain(
      'dtype mismatch for 1.numBatchesTracked: copying a float32 tensor from checkpoint, the dtype in current model is int32.',
    );
    // Nothing was copied, not even the matching entries.
    expect(values(model.getParameter('0.bias'))).toEqual(bias);
    wrongShape.dispose();
    wrongDType.dispose();
    model.dispose();
  });

  it('lets a module customise saving and loading (the hooks Brevitas layers override)', () => {
    /** Saves its buffer only once it has been set, and accepts a legacy key. */
    class Custom extends Module {
      constructor() {
        super();
        this.registerBuffer('value', zeros([1]));
      }
      forward(): void {}
      initialized = false;
      protected override saveToStateDict(destination: StateDict, prefix: string): void {
        if (this.initialized) super.saveToStateDict(destination, prefix);
      }
      protected override loadFromStateDict(prefix: string, context: LoadStateDictContext): void {
        const legacy = context.take(`${prefix}legacyValue`);
        if (legacy) {
          context.load(`${prefix}legacyValue`, this.getBuffer('value'));
        } else if (context.take(`${prefix}value`)) {
          context.load(`${prefix}value`, this.getBuffer('value'));
        }
        context.afterLoad(() => {
          this.initialized = true;
        });
      }
    }
    const model = new Sequential(new Custom());
    expect([...model.stateDict().keys()]).toEqual([]);
    const legacy = tensor([7]);
    model.loadStateDict({ '0.legacyValue': legacy });
    expect(values(model.getBuffer('0.value'))).toEqual([7]);
    expect([...model.stateDict().keys()]).toEqual(['0.value']);
    legacy.dispose();
    model.dispose();
  });
});

describe('repr', () => {
  it('prints the module tree as PyTorch does', () => {
    const model = new Sequential(new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5 }), new ReLU());
    expect(model.toString()).toBe('Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n  (1): ReLU()\n)');
    model.dispose();
  });

  it('indents nested modules and combines extra lines with children', () => {
    const model = new Sequential({
      features: new Sequential(new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, bias: false }), new nn.Tanh()),
      head: new Linear({ inFeatures: 8, outFeatures: 2 }),
    });
    expect(String(model)).toBe(
      'Sequential(\n' +
        '  (features): Sequential(\n' +
        '    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n' +
        '    (1): Tanh()\n' +
        '  )\n' +
        '  (head): Linear(in_features=8, out_features=2, bias=True)\n' +
        ')',
    );
    class WithExtra extends Module {
      constructor() {
        super();
        this.registerModule('act', new ReLU());
      }
      forward(): void {}
      override extraRepr(): string {
        return '2, 3, kernel_size=(3, 3)';
      }
    }
    // As QuantConv2d prints: its own settings first, then the children.
    expect(new WithExtra().toString()).toBe('WithExtra(\n  2, 3, kernel_size=(3, 3)\n  (act): ReLU()\n)');
    model.dispose();
  });
});

describe('gradients and memory', () => {
  it('zeroGrad frees gradients (or zeroes them in place)', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1 });
    tidy(() => m.forward(tensor([[1, 2]])).sum().backward());
    expect(values(m.weight.grad as Tensor)).toEqual([1, 2]);
    const grad = m.weight.grad as Tensor;
    m.zeroGrad(false);
    expect(m.weight.grad).toBe(grad);
    expect(values(grad)).toEqual([0, 0]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    expect(m.bias?.grad).toBeNull();
    m.dispose();
  });

  it('requiresGrad_ freezes parameters', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1 });
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.dispose();
  });

  it('dispose frees every parameter and buffer; construction inside tidy keeps them', () => {
    const start = memory().numTensors;
    const model = tidy(() => new Sequential(new Block(), new BatchNorm2d({ numFeatures: 2 })));
    // Block: scale, count, scratch, fc.weight, fc.bias; BatchNorm: 5.
    expect(memory().numTensors - start).toBe(10);
    tidy(() => {
      model.at(0).forward(tensor([[1, 2]]));
    });
    expect(memory().numTensors - start).toBe(10);
    model.dispose();
    expect(memory().numTensors).toBe(start);
  });
});
