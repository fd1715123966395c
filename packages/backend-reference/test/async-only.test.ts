/**
 * The reference backend with its synchronous read taken away: what a WebGPU or browser backend
 * offers core. The whole conformance suite runs on it, exactly (every Brevitas fixture, the QAT
 * steps, the training loop's leak check), so nothing core does to build, train or check a
 * quantized network needs `readSync` (a read there would throw "cannot read synchronously"):
 * structure comes from values core knows (Engine.knownValue) and value checks wait for the next
 * read (Engine.check).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as P from '@parvus/core';
import { registerBackend, setBackendSync } from '@parvus/core';
import { describeBackendConformance, withoutSyncReads } from '@parvus/conformance';
import { ReferenceBackend } from '../src/index.js';

describeBackendConformance('reference-async-only', withoutSyncReads('reference-async-only', 'reference', () => new ReferenceBackend()));

describe('values core knows, and checks that wait for a read', () => {
  const ASYNC = 'reference-async-only-checks';
  registerBackend(ASYNC, withoutSyncReads(ASYNC, 'reference', () => new ReferenceBackend()), 0);

  afterEach(() => {
    setBackendSync('reference');
  });

  it('knows the value of storage the host filled with one value, and of arithmetic on known values', () => {
    setBackendSync('reference');
    const made = [P.zeros([2, 3]), P.full([4], 2.5), P.scalar(0.1), P.tensor([7]), P.tensor([1, 2]), P.tensor(new Int32Array([7]))];
    const [z, f, s, one, two, int] = made as [P.Tensor, P.Tensor, P.Tensor, P.Tensor, P.Tensor, P.Tensor];
    const view = z.reshape([6]);
    expect([P.knownValue(z), P.knownValue(f), P.knownValue(s), P.knownValue(one)]).toEqual([0, 2.5, Math.fround(0.1), 7]);
    expect(P.knownValue(view), 'a view shares the storage and its value').toBe(0);
    expect(P.knownValue(two), 'two different values').toBeUndefined();
    const derived = [P.add(z, 1), P.mul(f, s), P.div(one, 3), P.neg(f), P.sub(int, 9), P.add(two, 0), P.exp(z)];
    const [sum, product, quotient, negated, difference, unknownSum, exponential] = derived as [P.Tensor, P.Tensor, P.Tensor, P.Tensor, P.Tensor, P.Tensor, P.Tensor];
    // Rounded as the kernel rounds: float32 arithmetic of float32 values, int32 for int32.
    expect(P.knownValue(sum)).toBe(1);
    expect(P.knownValue(product)).toBe(Math.fround(2.5 * Math.fround(0.1)));
    expect(P.knownValue(quotient)).toBe(Math.fround(7 / 3));
    expect(P.knownValue(negated)).toBe(-2.5);
    expect(P.knownValue(difference)).toBe(-2);
    for (const [t, known] of [[sum, sum], [product, product], [quotient, quotient]] as const) {
      expect(Array.from(t.dataSync()).every((v) => v === P.knownValue(known)), 'what the kernel computed').toBe(true);
    }
    expect(P.knownValue(unknownSum), 'an unknown operand').toBeUndefined();
    expect(P.knownValue(exponential), 'a kernel that is not + − × ÷').toBeUndefined();
    // assign points the tensor at other storage: what was known about the old storage goes with it.
    const replacement = P.tidy(() => P.add(P.full([4], 1), P.tensor([0, 1, 2, 3])));
    f.assign(replacement);
    replacement.dispose();
    expect(P.knownValue(f)).toBeUndefined();
    for (const t of [...made, ...derived, view]) t.dispose();
  });

  it('returns the QuantTensor a sync backend returns for a QuantTensor sum into a conv', async () => {
    // The sum's zero point is 0 + 0: known without a read, so the accumulator keeps its metadata.
    const run = async (name: string): Promise<[boolean, number[]]> => {
      await P.setBackend(name);
      P.manualSeed(0);
      const a = new P.QuantIdentity({ returnQuantTensor: true });
      const b = new P.QuantIdentity({ returnQuantTensor: true });
      const conv = new P.QuantConv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, biasQuant: P.Int32Bias, returnQuantTensor: true });
      const x = P.randn([1, 2, 5, 5]);
      const y = P.tidy(() => conv.forward((a.forward(x) as P.IntQuantTensor).add(b.forward(x) as P.IntQuantTensor)));
      const result: [boolean, number[]] = [y instanceof P.IntQuantTensor, Array.from(await (y instanceof P.IntQuantTensor ? y.value : y).data())];
      for (const m of [a, b, conv]) m.dispose();
      x.dispose();
      y.dispose();
      return result;
    };
    const [syncIsQuant, syncValues] = await run('reference');
    const [asyncIsQuant, asyncValues] = await run(ASYNC);
    expect(syncIsQuant).toBe(true);
    expect(asyncIsQuant).toBe(true);
    expect(asyncValues).toEqual(syncValues);
  });

  it('raises a failed check at once where the backend reads synchronously', () => {
    setBackendSync('reference');
    const x = new P.IntQuantTensor(P.tensor([0.5, 1]), P.scalar(0.5), P.scalar(0), P.scalar(8), true, false);
    const y = new P.IntQuantTensor(P.tensor([0.25, 1]), P.scalar(0.25), P.scalar(0), P.scalar(8), true, false);
    expect(() => x.add(y)).toThrow('Scaling factors are different');
    expect(P.engine().pendingChecks).toBe(0);
    x.dispose();
    y.dispose();
  });

  it('keeps a check until the next read where it cannot read synchronously, then raises it once', async () => {
    await P.setBackend(ASYNC);
    const before = P.memory().numTensors;
    const x = new P.IntQuantTensor(P.tensor([0.5, 1]), P.scalar(0.5), P.scalar(0), P.scalar(8), true, false);
    const y = new P.IntQuantTensor(P.tensor([0.25, 1]), P.scalar(0.25), P.scalar(0), P.scalar(8), true, false);
    const sum = P.tidy(() => x.add(y)); // eval mode, different scales: Brevitas raises
    expect(P.engine().pendingChecks).toBe(1);
    await expect(sum.value.data()).rejects.toThrow('Scaling factors are different');
    expect(P.engine().pendingChecks).toBe(0);
    expect(Array.from(await sum.value.data()), 'the next read goes through').toEqual([0.75, 2]);
    for (const t of [x, y, sum]) t.dispose();
    expect(P.memory().numTensors, 'the evidence is freed').toBe(before);
  });

  it('passes checks that hold, and settles them without a read', async () => {
    await P.setBackend(ASYNC);
    const x = new P.IntQuantTensor(P.tensor([0.5, 1]), P.scalar(0.5), P.scalar(0), P.scalar(8), true, false);
    const ints = x.int();
    const logits = P.zeros([2, 3]);
    const loss = P.crossEntropy(logits, P.tensor(new Int32Array([0, 2]), [2]));
    expect(P.engine().pendingChecks).toBe(2);
    await P.settleChecks();
    expect(P.engine().pendingChecks).toBe(0);
    expect(Array.from(await ints.data())).toEqual([1, 2]);
    expect(await x.isValidAsync()).toBe(true);
    for (const t of [x, ints, logits, loss]) t.dispose();
  });

  it('raises a deferred class-index check with the values it found', async () => {
    await P.setBackend(ASYNC);
    const logits = P.zeros([2, 3]);
    const labels = P.tensor(new Int32Array([0, 3]), [2]);
    const loss = P.crossEntropy(logits, labels);
    await expect(P.settleChecks()).rejects.toThrow('oneHot: class indices must be in [0, 2], got values in [0, 3].');
    for (const t of [logits, labels, loss]) t.dispose();
  });

  it('tells an invalid QuantTensor apart without a synchronous read', async () => {
    await P.setBackend(ASYNC);
    const x = new P.IntQuantTensor(P.tensor([0.5, 0.8]), P.scalar(0.5), P.scalar(0), P.scalar(8), true, false);
    expect(await x.isValidAsync(), '1.6 is not an integer').toBe(false);
    expect(() => x.isValid).toThrow(/cannot read synchronously/);
    const ints = x.int();
    await expect(ints.data()).rejects.toThrow('QuantTensor not valid.');
    for (const t of [x, ints]) t.dispose();
  });
});
