// Float layers: PyTorch's default initialisation, forward values, options, reprs, BatchNorm
// statistics and Dropout.
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  CrossEntropyLoss,
  Dropout,
  Flatten,
  Generator,
  Hardtanh,
  Identity,
  Linear,
  MSELoss,
  MaxPool2d,
  NLLLoss,
  ReLU,
  Sequential,
  ValueError,
  arange,
  crossEntropy,
  getDefaultGenerator,
  kaimingUniformBound,
  manualSeed,
  memory,
  nn,
  ones,
  pythonFloat,
  tensor,
  tidy,
  uniformValues,
} from '@parvus/core';
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

/** Set a module's parameters from plain arrays (shapes taken from the module). */
function setParams(module: { loadStateDict: (sd: Record<string, Tensor>, o?: { strict?: boolean }) => unknown; stateDict: () => Map<string, Tensor> }, params: Record<string, number[]>): void {
  tidy(() => {
    const sd: Record<string, Tensor> = {};
    for (const [name, data] of Object.entries(params)) {
      const target = module.stateDict().get(name) as Tensor;
      sd[name] = tensor(data, target.shape);
    }
    module.loadStateDict(sd, { strict: false });
  });
}

// /work/shared/oracle/brevitas/rng.json (torch 1.13.1): float32 values as Python reprs.
const LINEAR_4x3_SEED0 = {
  weight: [-0.003743410110473633, 0.26822179555892944, -0.4115225672721863, -0.3679695129394531, -0.19257718324661255, 0.13407868146896362, -0.009906589984893799, 0.39644473791122437, -0.04437202215194702, 0.1323062777519226, -0.15110653638839722, -0.09828269481658936],
  bias: [-0.4776742458343506, -0.33114105463027954, -0.20611155033111572],
};
// quantconv2d_default_init_seed0: QuantConv2d(2, 3, (3, 3)) initialises as nn.Conv2d.
const CONV_2_3_3_SEED0 = {
  weight: [-0.0017646604683250189, 0.12644097208976746, -0.19399359822273254, -0.17346249520778656, -0.09078175574541092, 0.0632052943110466, -0.004670011345297098, 0.18688584864139557, -0.020917171612381935, 0.062369778752326965, -0.07123230397701263, -0.046330906450748444, -0.2251777946949005, -0.15610139071941376, -0.0971619188785553, 0.008731253445148468, 0.09318140149116516, 0.14142672717571259, -0.1597922444343567, -0.1026395708322525, 0.08561109751462936, 0.19572432339191437, -0.04850756749510765, 0.1763787716627121, -0.03799128159880638, 0.024940622970461845, 0.21342279016971588, -0.21865400671958923, -0.1483835130929947, -0.05967162176966667, -0.09187673032283783, 0.2036469429731369, -0.15277740359306335, -0.10850150138139725, -0.1646711379289627, -0.22074954211711884, -0.13758894801139832, 0.20260919630527496, 0.10517467558383942, 0.11423841863870621, 0.01239595003426075, -0.1208406612277031, 0.039877213537693024, -0.22007395327091217, -0.17031049728393555, -0.12151158601045609, 0.14871349930763245, 0.13819724321365356, -0.10453278571367264, -0.008504699915647507, 0.15074589848518372, 0.23431941866874695, 0.09354602545499802, 0.031841691583395004],
  bias: [0.15803514420986176, -0.13878203928470612, 0.043921709060668945],
};

describe('default initialisation (torch.manual_seed reproduced)', () => {
  it('Linear(4, 3) after manualSeed(0) matches torch bit for bit', () => {
    manualSeed(0);
    const m = new Linear({ inFeatures: 4, outFeatures: 3 });
    expect(m.weight.shape).toEqual([3, 4]);
    expect(values(m.weight)).toEqual(LINEAR_4x3_SEED0.weight.map(Math.fround));
    expect(values(m.bias as Tensor)).toEqual(LINEAR_4x3_SEED0.bias.map(Math.fround));
    m.dispose();
  });

  it('Conv2d(2, 3, 3) after manualSeed(0) matches torch bit for bit', () => {
    manualSeed(0);
    const m = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: [3, 3] });
    expect(m.weight.shape).toEqual([3, 2, 3, 3]);
    expect(values(m.weight)).toEqual(CONV_2_3_3_SEED0.weight.map(Math.fround));
    expect(values(m.bias as Tensor)).toEqual(CONV_2_3_3_SEED0.bias.map(Math.fround));
    // resetParameters draws again, in the same order.
    manualSeed(0);
    m.resetParameters();
    expect(values(m.weight)).toEqual(CONV_2_3_3_SEED0.weight.map(Math.fround));
    m.dispose();
  });

  it('computes the bound as torch: √3 · √(2/(1+5)) / √fanIn = 1/√fanIn', () => {
    expect(kaimingUniformBound([3, 4], { a: Math.sqrt(5) })).toBeCloseTo(0.5, 15);
    expect(kaimingUniformBound([3, 2, 3, 3], { a: Math.sqrt(5) })).toBeCloseTo(1 / Math.sqrt(18), 15);
  });

  it('ConvTranspose weights use fanIn = (out/groups)·k, as torch', () => {
    manualSeed(3);
    const m = new ConvTranspose2d({ inChannels: 2, outChannels: 4, kernelSize: 3, groups: 2 });
    expect(m.weight.shape).toEqual([2, 2, 3, 3]);
    manualSeed(3);
    const bound = kaimingUniformBound([2, 2, 3, 3], { a: Math.sqrt(5) });
    expect(bound).toBeCloseTo(1 / Math.sqrt(18), 15);
    const expected = uniformValues(36, -bound, bound);
    expect(values(m.weight)).toEqual(Array.from(expected));
    m.dispose();
  });

  it('a generator option draws from that generator only', () => {
    manualSeed(0);
    const before = getDefaultGenerator().random();
    manualSeed(0);
    const m = new Linear({ inFeatures: 4, outFeatures: 3, generator: new Generator(0) });
    expect(values(m.weight)).toEqual(LINEAR_4x3_SEED0.weight.map(Math.fround));
    expect(getDefaultGenerator().random()).toBe(before);
    m.dispose();
  });
});

describe('forward values', () => {
  it('Linear computes x·Wᵀ + b for any leading shape', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 2 });
    setParams(m, { weight: [1, 2, 3, 4], bias: [0.5, -1] });
    tidy(() => {
      expect(values(m.forward(tensor([[1, 1], [2, 0]])))).toEqual([3.5, 6, 2.5, 5]);
      const y = m.forward(tensor([[[1, 1]], [[2, 0]]]));
      expect(y.shape).toEqual([2, 1, 2]);
      expect(m.forward(tensor([1, 1])).shape).toEqual([2]);
    });
    const noBias = new Linear({ inFeatures: 2, outFeatures: 1, bias: false });
    expect(noBias.bias).toBeNull();
    expect([...noBias.stateDict().keys()]).toEqual(['weight']);
    m.dispose();
    noBias.dispose();
  });

  it('Conv2d, batched and unbatched', () => {
    const m = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 2 });
    setParams(m, { weight: [1, 1, 1, 1], bias: [0.5] });
    tidy(() => {
      const x = arange(1, 10).float().reshape([1, 1, 3, 3]);
      expect(values(m.forward(x))).toEqual([12.5, 16.5, 24.5, 28.5]);
      const unbatched = m.forward(x.reshape([1, 3, 3]));
      expect(unbatched.shape).toEqual([1, 2, 2]);
      expect(() => m.forward(x.reshape([9]))).toThrow(/Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d/);
    });
    const padded = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same', bias: false });
    expect(tidy(() => padded.forward(ones([1, 1, 5, 4])).shape)).toEqual([1, 1, 5, 4]);
    m.dispose();
    padded.dispose();
  });

  it('Conv1d, ConvTranspose1d and ConvTranspose2d', () => {
    const c1 = new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 2 });
    setParams(c1, { weight: [1, -1], bias: [1] });
    const t1 = new ConvTranspose1d({ inChannels: 1, outChannels: 1, kernelSize: 2, bias: false });
    setParams(t1, { weight: [1, 1] });
    const t2 = new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 2, stride: 2, bias: false });
    setParams(t2, { weight: [1, 1, 1, 1] });
    tidy(() => {
      expect(values(c1.forward(tensor([[[1, 2, 3, 4]]])))).toEqual([0, 0, 0]);
      expect(c1.forward(tensor([[1, 2, 3, 4]])).shape).toEqual([1, 3]);
      expect(values(t1.forward(tensor([[[1, 2]]])))).toEqual([1, 3, 2]);
      expect(values(t2.forward(tensor([[[[1, 2], [3, 4]]]])))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    });
    const up = new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 });
    expect(tidy(() => up.forward(ones([1, 2, 4, 4])).shape)).toEqual([1, 3, 8, 8]);
    for (const m of [c1, t1, t2, up]) m.dispose();
  });

  it('activations, pooling and flatten', () => {
    tidy(() => {
      const x = tensor([-2, -1, 0, 1, 2]);
      expect(values(new ReLU().forward(x))).toEqual([0, 0, 0, 1, 2]);
      expectClose(values(new nn.Sigmoid().forward(x)), [-2, -1, 0, 1, 2].map((v) => 1 / (1 + Math.exp(-v))));
      expectClose(values(new nn.Tanh().forward(x)), [-2, -1, 0, 1, 2].map(Math.tanh));
      expect(values(new Hardtanh().forward(x))).toEqual([-1, -1, 0, 1, 1]);
      expect(values(new Hardtanh({ minVal: -0.5, maxVal: 2 }).forward(x))).toEqual([-0.5, -0.5, 0, 1, 2]);
      expect(new Identity().forward(x)).toBe(x);
      const grid = arange(16).float().reshape([1, 1, 4, 4]);
      expect(values(new MaxPool2d({ kernelSize: 2 }).forward(grid))).toEqual([5, 7, 13, 15]);
      expect(values(new AvgPool2d({ kernelSize: 2 }).forward(grid))).toEqual([2.5, 4.5, 10.5, 12.5]);
      expect(values(new AdaptiveAvgPool2d({ outputSize: 1 }).forward(grid))).toEqual([7.5]);
      expect(values(new AdaptiveAvgPool2d({ outputSize: [2, 2] }).forward(grid))).toEqual([2.5, 4.5, 10.5, 12.5]);
      expect(new MaxPool2d({ kernelSize: 2, stride: 1 }).forward(grid.reshape([1, 4, 4])).shape).toEqual([1, 3, 3]);
      expect(new Flatten().forward(grid).shape).toEqual([1, 16]);
      expect(new Flatten({ startDim: 0, endDim: 1 }).forward(grid).shape).toEqual([1, 4, 4]);
    });
  });

  it("Hardtanh's gradient passes strictly inside the bounds (torch's hardtanh_backward)", () => {
    const x = tensor([-2, -1, -0.5, 0.5, 1, 2]).requiresGrad_();
    tidy(() => new Hardtanh().forward(x).sum().backward());
    expect(values(x.grad as Tensor)).toEqual([0, 0, 1, 1, 0, 0]);
    x.dispose();
  });

  it('losses wrap the functional ops', () => {
    tidy(() => {
      const logits = tensor([[0, 0], [1, 3]]);
      const targets = tensor([1, 0], [2], 'int32');
      expectClose(values(new CrossEntropyLoss().forward(logits, targets)), [(Math.log(2) + Math.log(1 + Math.exp(2)) + 0) / 2]);
      expect(values(new CrossEntropyLoss({ reduction: 'none' }).forward(logits, targets))).toEqual(values(crossEntropy(logits, targets, 'none')));
      expect(values(new NLLLoss().forward(tensor([[-1, -2]]), tensor([1], [1], 'int32')))).toEqual([2]);
      expect(values(new MSELoss().forward(tensor([1, 2]), tensor([0, 0])))).toEqual([2.5]);
      expect(values(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([0, 0])))).toEqual([5]);
    });
    expect(() => new MSELoss({ reduction: 'avg' as 'mean' })).toThrow(/'reduction' must be 'mean', 'sum' or 'none'/);
  });

  it('Sequential chains children, indexes them and takes named children', () => {
    const seq = new Sequential(new Linear({ inFeatures: 2, outFeatures: 2 }), new ReLU());
    expect(seq.length).toBe(2);
    expect(seq.at(-1)).toBeInstanceOf(ReLU);
    seq.append(new Identity());
    expect(seq.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2']);
    expect([...seq].length).toBe(3);
    expect(() => seq.at(3)).toThrow(/out of range/);
    const y = tidy(() => seq.forward(tensor([[-100, -100]])));
    expect(y.shape).toEqual([1, 2]);
    expect(values(y).every((v) => v >= 0)).toBe(true);
    y.dispose();
    const named = new Sequential({ fc: new Linear({ inFeatures: 1, outFeatures: 1 }) });
    expect([...named.stateDict().keys()]).toEqual(['fc.weight', 'fc.bias']);
    expect(() => new Sequential({ fc: 3 as unknown as ReLU })).toThrow(/child 'fc' is not a Module/);
    seq.dispose();
    named.dispose();
  });
});

describe('options are validated', () => {
  it('names unknown, missing and bad options', () => {
    const bad = (f: () => unknown, pattern: RegExp): void => {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(pattern);
    };
    bad(() => new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, kernal: 3 } as never), /Conv2d: unknown option 'kernal'. Known options: inChannels, outChannels, kernelSize/);
    bad(() => new Conv2d({ inChannels: 1, outChannels: 6 } as never), /Conv2d: option 'kernelSize' is required/);
    bad(() => new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 0 }), /option 'kernelSize' must be an integer ≥ 1 or a 2-tuple/);
    bad(() => new Conv2d({ inChannels: 3, outChannels: 6, kernelSize: 1, groups: 2 }), /inChannels \(3\) must be divisible by groups \(2\)/);
    bad(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, padding: 'same' }), /padding='same' is not supported for strided convolutions/);
    bad(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'full' as 'same' }), /invalid padding string 'full'/);
    bad(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, paddingMode: 'reflect' as 'zeros' }), /paddingMode 'reflect' is not supported/);
    bad(() => new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, outputPadding: 2 }), /'outputPadding' must be smaller than either stride or dilation/);
    bad(() => new Linear({ inFeatures: 2.5, outFeatures: 1 }), /Linear: option 'inFeatures' must be an integer ≥ 0, got 2.5/);
    bad(() => new Linear(4 as never), /Linear: expected one options object/);
    bad(() => new Linear({ inFeatures: 1, outFeatures: 1, bias: 1 as never }), /option 'bias' must be true or false/);
    bad(() => new Dropout({ p: 1.5 }), /Dropout: option 'p' must be a number in \[0, 1\]/);
    bad(() => new BatchNorm2d({} as never), /BatchNorm2d: option 'numFeatures' is required/);
    bad(() => new ReLU({ inplace: true } as never), /ReLU: unknown option 'inplace'. Known options: none/);
    bad(() => new MaxPool2d({ kernelSize: 2, padding: 2 }), /padding should be at most half/);
    bad(() => new Hardtanh({ minVal: 1, maxVal: 1 }), /maxVal \(1\) must be greater than minVal \(1\)/);
  });
});

describe('repr matches PyTorch', () => {
  it('prints each layer as torch.nn does', () => {
    const cases: Array<[{ toString(): string; dispose(): void }, string]> = [
      [new Linear({ inFeatures: 4, outFeatures: 3 }), 'Linear(in_features=4, out_features=3, bias=True)'],
      [new Linear({ inFeatures: 4, outFeatures: 3, bias: false }), 'Linear(in_features=4, out_features=3, bias=False)'],
      [new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5 }), 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))'],
      [
        new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: [3, 1], stride: 2, padding: [1, 0], dilation: 2, groups: 2, bias: false }),
        'Conv2d(2, 4, kernel_size=(3, 1), stride=(2, 2), padding=(1, 0), dilation=(2, 2), groups=2, bias=False)',
      ],
      [new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same' }), 'Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=same)'],
      [new Conv1d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1 }), 'Conv1d(2, 3, kernel_size=(3,), stride=(1,), padding=(1,))'],
      [
        new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }),
        'ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
      ],
      [new ConvTranspose1d({ inChannels: 2, outChannels: 3, kernelSize: 2 }), 'ConvTranspose1d(2, 3, kernel_size=(2,), stride=(1,))'],
      [new ReLU(), 'ReLU()'],
      [new nn.Sigmoid(), 'Sigmoid()'],
      [new nn.Tanh(), 'Tanh()'],
      [new Identity(), 'Identity()'],
      [new Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
      [new MaxPool2d({ kernelSize: 2 }), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'],
      [new MaxPool2d({ kernelSize: [3, 3], stride: [2, 2], padding: 1, ceilMode: true }), 'MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=1, dilation=1, ceil_mode=True)'],
      [new AvgPool2d({ kernelSize: 2 }), 'AvgPool2d(kernel_size=2, stride=2, padding=0)'],
      [new AdaptiveAvgPool2d({ outputSize: [1, 1] }), 'AdaptiveAvgPool2d(output_size=(1, 1))'],
      [new Flatten(), 'Flatten(start_dim=1, end_dim=-1)'],
      [new Dropout(), 'Dropout(p=0.5, inplace=False)'],
      [new BatchNorm2d({ numFeatures: 6 }), 'BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'],
      [new BatchNorm1d({ numFeatures: 4, momentum: null, affine: false, trackRunningStats: false }), 'BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, track_running_stats=False)'],
      [new CrossEntropyLoss(), 'CrossEntropyLoss()'],
      [new MSELoss(), 'MSELoss()'],
      [new NLLLoss(), 'NLLLoss()'],
    ];
    for (const [module, repr] of cases) {
      expect(module.toString()).toBe(repr);
      module.dispose();
    }
  });

  it('formats floats as Python repr', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'], [-1, '-1.0'], [0.1, '0.1'], [1e-5, '1e-05'], [1e-4, '0.0001'], [0.5, '0.5'],
      [1e16, '1e+16'], [1e15, '1000000000000000.0'], [123456789.125, '123456789.125'], [1.5e-7, '1.5e-07'],
      [2.5e20, '2.5e+20'], [Math.fround(0.1), '0.10000000149011612'], [NaN, 'nan'], [-Infinity, '-inf'], [0, '0.0'],
    ];
    for (const [value, repr] of cases) expect(pythonFloat(value)).toBe(repr);
  });
});

describe('BatchNorm', () => {
  // Channel 0: [1, 2, 3, 4] (mean 2.5, biased var 1.25, unbiased 5/3);
  // channel 1: [0, 0, 2, 2] (mean 1, biased var 1, unbiased 4/3).
  const batch = (): Tensor => tensor([[1, 0], [2, 0], [3, 2], [4, 2]]);

  it('normalises with batch statistics in training and updates the running ones', () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    const y = tidy(() => bn.forward(batch()));
    const eps = 1e-5;
    expectClose(values(y), [
      -1.5 / Math.sqrt(1.25 + eps), -1 / Math.sqrt(1 + eps),
      -0.5 / Math.sqrt(1.25 + eps), -1 / Math.sqrt(1 + eps),
      0.5 / Math.sqrt(1.25 + eps), 1 / Math.sqrt(1 + eps),
      1.5 / Math.sqrt(1.25 + eps), 1 / Math.sqrt(1 + eps),
    ]);
    expectClose(values(bn.runningMean as Tensor), [0.25, 0.1]);
    expectClose(values(bn.runningVar as Tensor), [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * (4 / 3)]);
    expect(values(bn.numBatchesTracked as Tensor)).toEqual([1]);
    tidy(() => {
      bn.forward(tensor([[0, 1], [2, 3]]));
    });
    // Second batch: means [1, 2], unbiased variances [2, 2].
    expectClose(values(bn.runningMean as Tensor), [0.9 * 0.25 + 0.1 * 1, 0.9 * 0.1 + 0.1 * 2]);
    expectClose(values(bn.runningVar as Tensor), [0.9 * (0.9 + 0.1 * (5 / 3)) + 0.2, 0.9 * (0.9 + 0.1 * (4 / 3)) + 0.2]);
    expect(values(bn.numBatchesTracked as Tensor)).toEqual([2]);
    y.dispose();
    bn.dispose();
  });

  it('uses the running statistics, weight and bias in eval mode, without updating', () => {
    const bn = new BatchNorm2d({ numFeatures: 2 });
    setParams(bn, { weight: [2, 3], bias: [0.5, -1], runningMean: [1, -1], runningVar: [4, 0.25] });
    bn.eval();
    const x = tensor([[[[3]], [[0]]]]);
    const y = tidy(() => bn.forward(x));
    expectClose(values(y), [(2 / Math.sqrt(4 + 1e-5)) * 2 + 0.5, (1 / Math.sqrt(0.25 + 1e-5)) * 3 - 1]);
    expect(values(bn.runningMean as Tensor)).toEqual([1, -1]);
    expect(values(bn.numBatchesTracked as Tensor)).toEqual([0]);
    x.dispose();
    y.dispose();
    bn.dispose();
  });

  it('momentum null is a cumulative average; no tracking means batch statistics always', () => {
    const cumulative = new BatchNorm1d({ numFeatures: 2, momentum: null });
    tidy(() => {
      cumulative.forward(batch());
      cumulative.forward(tensor([[0, 1], [2, 3]]));
    });
    expectClose(values(cumulative.runningMean as Tensor), [(2.5 + 1) / 2, (1 + 2) / 2]);
    const untracked = new BatchNorm1d({ numFeatures: 2, trackRunningStats: false, affine: false });
    expect([...untracked.stateDict().keys()]).toEqual([]);
    untracked.eval();
    const y = tidy(() => untracked.forward(batch()));
    expectClose(values(y).slice(0, 2), [-1.5 / Math.sqrt(1.25 + 1e-5), -1 / Math.sqrt(1 + 1e-5)]);
    y.dispose();
    cumulative.dispose();
    untracked.dispose();
  });

  it('backpropagates through the batch statistics', () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    setParams(bn, { weight: [2, -0.5], bias: [0.3, 1] });
    const x = batch().requiresGrad_();
    // An uneven upstream gradient: with a constant one per channel the mean and variance terms
    // cancel, so a detached mean or variance would go unnoticed.
    const upstream = [[0.5, -1], [2, 0.25], [-1.5, 3], [0.75, -0.5]];
    const dy = tensor(upstream);
    tidy(() => bn.forward(x).backward(dy));
    // The closed form, in float64 per channel c: x̂ = (x − μ)/σ with the biased variance,
    // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), dγ = Σ dy · x̂, dβ = Σ dy.
    const rows = [[1, 0], [2, 0], [3, 2], [4, 2]];
    const gamma = [2, -0.5];
    const dx = rows.map(() => [0, 0]);
    const dGamma = [0, 0];
    const dBeta = [0, 0];
    for (let c = 0; c < 2; c++) {
      const xs = rows.map((r) => r[c] as number);
      const gs = upstream.map((r) => r[c] as number);
      const n = xs.length;
      const mu = xs.reduce((a, b) => a + b, 0) / n;
      const sigma = Math.sqrt(xs.reduce((a, v) => a + (v - mu) ** 2, 0) / n + 1e-5);
      const xHat = xs.map((v) => (v - mu) / sigma);
      const meanG = gs.reduce((a, b) => a + b, 0) / n;
      const meanGX = gs.reduce((a, g, i) => a + g * (xHat[i] as number), 0) / n;
      xs.forEach((_, i) => {
        (dx[i] as number[])[c] = ((gamma[c] as number) / sigma) * ((gs[i] as number) - meanG - (xHat[i] as number) * meanGX);
      });
      dGamma[c] = gs.reduce((a, g, i) => a + g * (xHat[i] as number), 0);
      dBeta[c] = gs.reduce((a, b) => a + b, 0);
    }
    expectClose(values(x.grad as Tensor), dx.flat(), 1e-5);
    expectClose(values(bn.weight?.grad as Tensor), dGamma, 1e-5);
    expectClose(values(bn.bias?.grad as Tensor), dBeta, 1e-6);
    x.dispose();
    dy.dispose();
    bn.dispose();
  });

  it('checks the input', () => {
    const bn = new BatchNorm2d({ numFeatures: 2 });
    tidy(() => {
      expect(() => bn.forward(ones([2, 2]))).toThrow(/expected 4D input \(got 2D input\)/);
      expect(() => bn.forward(ones([1, 3, 2, 2]))).toThrow(/3 channels, expected numFeatures=2/);
      expect(() => bn.forward(ones([1, 2, 1, 1]))).toThrow(/Expected more than 1 value per channel when training/);
    });
    bn.dispose();
  });
});

describe('Dropout', () => {
  it('is the identity in eval mode and for p = 0', () => {
    const x = ones([10]);
    const dropout = new Dropout({ p: 0.5 });
    dropout.eval();
    expect(dropout.forward(x)).toBe(x);
    expect(new Dropout({ p: 0 }).forward(x)).toBe(x);
    x.dispose();
  });

  it('zeroes about p of the elements and scales the rest by 1/(1 − p), reproducibly', () => {
    const x = ones([2000]);
    const run = (seed: number): number[] => tidy(() => values(new Dropout({ p: 0.3, generator: new Generator(seed) }).forward(x)));
    const a = run(7);
    const scale = Math.fround(1 / Math.fround(0.7));
    expect(a.every((v) => v === 0 || v === scale)).toBe(true);
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(600 - 90);
    expect(zeros).toBeLessThan(600 + 90);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    // p = 1 drops everything.
    expect(tidy(() => values(new Dropout({ p: 1 }).forward(x))).every((v) => v === 0)).toBe(true);
    x.dispose();
  });

  it('draws from the default generator and passes gradients through the mask', () => {
    manualSeed(5);
    const x = ones([50]).requiresGrad_();
    const y = tidy(() => {
      const out = new Dropout().forward(x);
      out.sum().backward();
      return values(out);
    });
    expect(values(x.grad as Tensor)).toEqual(y);
    manualSeed(5);
    expect(tidy(() => values(new Dropout().forward(x)))).toEqual(y);
    x.dispose();
  });

  it('leaves no tensors behind inside tidy', () => {
    const x = ones([4, 4]).requiresGrad_();
    const before = memory().numTensors;
    tidy(() => {
      new Dropout().forward(x).sum().backward();
    });
    // Only the new gradient of x remains.
    expect(memory().numTensors - before).toBe(1);
    x.dispose();
  });
});
