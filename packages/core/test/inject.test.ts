import { describe, expect, it } from 'vitest';
import { DependencyError, REQUIRED, computed, fragment, link, quantizer } from '@parvus/core';

class Scaling {
  static readonly dependencies = { scalingInit: REQUIRED, scalingMinVal: null };
  static built = 0;
  readonly init: number;
  readonly minVal: number | null;
  constructor(deps: { scalingInit: number; scalingMinVal: number | null }) {
    Scaling.built++;
    this.init = deps.scalingInit;
    this.minVal = deps.scalingMinVal;
  }
}

class Quant {
  static readonly dependencies = { scalingImpl: REQUIRED, bitWidth: REQUIRED };
  constructor(readonly deps: { scalingImpl: Scaling; bitWidth: number }) {}
}

const Base = fragment('Base', { bitWidth: 8, signed: true, tensorQuant: Quant });
const ScalingFragment = fragment('ScalingFragment', {
  scalingImpl: Scaling,
  scalingInit: computed({ maxVal: REQUIRED, minVal: 0 }, ({ maxVal, minVal }: { maxVal: number; minVal: number }) => Math.max(Math.abs(maxVal), Math.abs(minVal))),
});

describe('quantizer injection', () => {
  const Q = quantizer('Q', Base, ScalingFragment, { maxVal: 2, minVal: -3 });

  it('builds injectables with their dependencies, memoising within one build', () => {
    const before = Scaling.built;
    const build = Q.build();
    const tq = build.get<Quant>('tensorQuant');
    expect(tq.deps.bitWidth).toBe(8);
    expect(tq.deps.scalingImpl.init).toBe(3);
    expect(tq.deps.scalingImpl.minVal).toBeNull();
    expect(build.get('scalingImpl')).toBe(tq.deps.scalingImpl);
    expect(Scaling.built).toBe(before + 1);
    // A new build builds anew.
    expect(Q.build().get('scalingImpl')).not.toBe(tq.deps.scalingImpl);
  });

  it('composes leftmost-wins and overrides with let, keeping the name', () => {
    const Left = quantizer('Left', fragment('A', { bitWidth: 4 }), Base, ScalingFragment, { maxVal: 1 });
    expect(Left.get('bitWidth')).toBe(4);
    const Let = Q.let({ bitWidth: 2, maxVal: 10 });
    expect(Let.name).toBe('Q');
    expect(Let.build().get<Quant>('tensorQuant').deps.scalingImpl.init).toBe(10);
    expect(Q.get('bitWidth')).toBe(8);
    expect(Let.has('maxVal')).toBe(true);
    expect(Let.keys()).toEqual(expect.arrayContaining(['bitWidth', 'signed', 'tensorQuant', 'scalingImpl', 'maxVal']));
  });

  it("names the quantizer, the attribute and what was being built, as Brevitas does", () => {
    const NoMax = quantizer('NoMax', Base, { scalingImpl: Scaling });
    let error: unknown;
    try {
      NoMax.get('tensorQuant');
    } catch (e) {
      error = e;
    }
    expect(DependencyError.isInstance(error)).toBe(true);
    expect((error as DependencyError).message).toBe("'NoMax' can not resolve attribute 'scalingInit' while building 'scalingImpl'");
    expect((error as DependencyError).trail).toEqual(['tensorQuant', 'scalingImpl', 'scalingInit']);
  });

  it("raises Python's TypeError text for a computed attribute missing an argument", () => {
    const NoMax = quantizer('NoMax', Base, ScalingFragment);
    expect(() => NoMax.get('scalingInit')).toThrow("ScalingFragment.scalingInit() missing 1 required positional argument: 'maxVal'");
  });

  it('follows links and reports a missing link target without a "while building"', () => {
    const Linked = quantizer('Linked', { scalingShape: link('perChannelBroadcastableShape') });
    expect(() => Linked.get('scalingShape')).toThrow("'Linked' can not resolve attribute 'perChannelBroadcastableShape'");
    expect(Linked.let({ perChannelBroadcastableShape: [1, 3, 1, 1] }).get('scalingShape')).toEqual([1, 3, 1, 1]);
  });

  it('detects and names cycles', () => {
    const Cycle = quantizer('Cycle', { a: link('b'), b: computed({ a: REQUIRED }, ({ a }: { a: number }) => a) });
    expect(() => Cycle.get('a')).toThrow("'Cycle' has a circular dependency: a -> b -> a");
  });

  it('records which attributes a build consumed', () => {
    const build = Q.let({ unused: 1 }).build();
    build.get('tensorQuant');
    expect(build.consumed().has('maxVal')).toBe(true);
    expect(build.consumed().has('unused')).toBe(false);
  });
});
