// The Brevitas fixture runner's own pieces: reading the fixtures' Python, decoding tensors, and
// Brevitas names and reprs in Parvus spelling. (The fixtures themselves run in each backend's suite.)
import { describe, expect, it } from 'vitest';
import { parseCode, parsePython, typescriptSpelling } from '../src/brevitas/python.js';
import { decodeTensor } from '../src/brevitas/decode.js';
import { parvusRepr } from '../src/brevitas/repr-state-dict.js';
import { brevitasTestId } from '../src/brevitas/registry.js';
import { loadFixture } from '../src/brevitas/fixtures.js';
import type { FixtureFile } from '../src/brevitas/fixtures.js';

describe('the Python of fixture code', () => {
  it('reads constructor calls with tuples, None, floats and quantizer lets', () => {
    const node = parsePython("QuantIdentity(act_quant=Int8ActPerTensorFloat.let(bit_width=4), shape=(1, 3, 1, 1), x=None, q=1.5, s='8', one=(2,))");
    expect(node.kind).toBe('call');
    if (node.kind !== 'call') return;
    const kwargs = Object.fromEntries(node.kwargs);
    expect(kwargs['act_quant']?.kind).toBe('call');
    expect(kwargs['shape']).toMatchObject({ kind: 'tuple', items: [{ value: 1 }, { value: 3 }, { value: 1 }, { value: 1 }] });
    expect(kwargs['x']).toEqual({ kind: 'constant', value: null });
    expect(kwargs['q']).toEqual({ kind: 'number', value: 1.5, isFloat: true });
    expect(kwargs['s']).toEqual({ kind: 'string', value: '8' });
    expect(kwargs['one']).toMatchObject({ kind: 'tuple', items: [{ value: 2 }] });
  });

  it('tells a float written 4.0 from the integer 4', () => {
    expect(parsePython('4.0')).toEqual({ kind: 'number', value: 4, isFloat: true });
    expect(parsePython('4')).toEqual({ kind: 'number', value: 4, isFloat: false });
  });

  it('stops before a parenthesised note after a space, and returns null for prose', () => {
    const node = parseCode('TruncAvgPool2d(2)(float_tensor) (return_quant_tensor=True by default)');
    expect(node).toMatchObject({ kind: 'call', callee: { kind: 'call', callee: { kind: 'name', id: 'TruncAvgPool2d' } }, args: [{ kind: 'name', id: 'float_tensor' }] });
    expect(parseCode('QuantIdentity(bit_width=1.5)  (BitWidthConst asserts isinstance(bit_width, int); empty message)')).toMatchObject({ kind: 'call' });
    expect(parseCode('eval-mode QuantTensor + QuantTensor with different scales')).toBeNull();
  });

  it('reads binary operations and method calls', () => {
    expect(parsePython('shifted_qt * shifted_qt')).toMatchObject({ kind: 'binary', op: '*' });
    expect(parsePython('IntQuantTensor(value=0.3, scale=1, zp=0, bw=8).int()')).toMatchObject({ kind: 'call', callee: { kind: 'attribute', name: 'int' } });
    expect(parsePython('torch.cat([qa, qb], dim=1)')).toMatchObject({ kind: 'call', args: [{ kind: 'list' }], kwargs: [['dim', { value: 1 }]] });
  });
});

describe('Brevitas messages and reprs in Parvus spelling', () => {
  it('turns snake_case names into camelCase and leaves prose and class names', () => {
    expect(typescriptSpelling("'Int8ActPerTensorFloatMinMaxInit' can not resolve attribute 'max_val' while building 'scaling_init_impl'"))
      .toBe("'Int8ActPerTensorFloatMinMaxInit' can not resolve attribute 'maxVal' while building 'scalingInitImpl'");
    expect(typescriptSpelling("SolveScalingStatsInputViewShapeImplFromEnum.permute_dims() missing 1 required positional argument: 'scaling_stats_permute_dims'"))
      .toBe("SolveScalingStatsInputViewShapeImplFromEnum.permuteDims() missing 1 required positional argument: 'scalingStatsPermuteDims'");
    expect(typescriptSpelling('Steps should be more than 0')).toBe('Steps should be more than 0');
  });

  it('renames child modules only, not class names or extra reprs', () => {
    const repr = 'QuantLinear(\n  in_features=4, out_features=2, bias=True\n  (input_quant): ActQuantProxyFromInjector(\n    (_zero_hw_sentinel): StatelessBuffer()\n  )\n)';
    expect(parvusRepr(repr)).toBe('QuantLinear(\n  in_features=4, out_features=2, bias=True\n  (inputQuant): ActQuantProxyFromInjector(\n    (zeroHwSentinel): StatelessBuffer()\n  )\n)');
  });
});

describe('fixture tensors', () => {
  it('restores float32 values exactly, with non-finite strings', () => {
    const t = decodeTensor({ dtype: 'float32', shape: [4], data: [0.1, 'NaN', 'Infinity', '-Infinity'] });
    expect(Array.from(t.values)).toEqual([Math.fround(0.1), NaN, Infinity, -Infinity]);
    expect(t.dtype).toBe('float32');
  });

  it('decodes base64 float32 little-endian', () => {
    const bytes = Buffer.from(new Float32Array([1.5, -0, 3.25]).buffer);
    const t = decodeTensor({ dtype: 'float32', shape: [3], b64: bytes.toString('base64') });
    expect(Array.from(t.values)).toEqual([1.5, -0, 3.25]);
    expect(Object.is(t.values[1], -0)).toBe(true);
  });

  it('narrows int64 to int32 and refuses values outside it', () => {
    expect(Array.from(decodeTensor({ dtype: 'int64', shape: [2], data: [-128, 127] }).values)).toEqual([-128, 127]);
    expect(decodeTensor({ dtype: 'int64', shape: [1], data: [5] }).dtype).toBe('int32');
    expect(() => decodeTensor({ dtype: 'int64', shape: [1], data: [2 ** 31] })).toThrow(/does not fit int32/);
  });

  it('checks the element count against the shape', () => {
    expect(() => decodeTensor({ dtype: 'float32', shape: [2, 2], data: [1, 2, 3] })).toThrow(/3 values for shape \[2, 2\]/);
  });
});

describe('the vendored fixtures', () => {
  it('are schema version 1 and every case has a unique test id', () => {
    for (const file of ['tutorial.json', 'act_quantizers.json', 'activation_layers.json', 'stats_lifecycle.json', 'gradients.json']) {
      const fixture = loadFixture<FixtureFile<{ name: string }>>(file);
      const ids = fixture.cases.map((c) => brevitasTestId(file, c.name));
      expect(new Set(ids).size, file).toBe(ids.length);
    }
  });
});
