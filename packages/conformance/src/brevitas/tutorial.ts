/**
 * tutorial.json: Brevitas's notebook "An Overview of Quantized Activations", cell by cell, with
 * every tensor stored. Each case is one or more notebook cells (`cell16_17_…`) with fields of its
 * own; the programs below are those cells ported to Parvus, keyed by the notebook cell number a
 * case starts at, and run on the stored inputs and weights. A case whose cell has no port here
 * fails, naming itself.
 */
import type { Module, QuantWBIOLOptions, Tensor } from '@parvus/core';
import {
  IntQuantTensor, Int8ActPerTensorFloat, QuantConv2d, QuantHardTanh, QuantIdentity, QuantReLU, QuantSigmoid, ShiftedUint8ActPerTensorFloat, noGrad, relu, tidy,
} from '@parvus/core';
import type { CaseContext, Suite } from '../suite.js';
import type { FixtureError, FixtureFile, FixtureTensor, FixtureValue, TutorialCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { decodeTensor, toValue } from './decode.js';
import type { QuantTensorSnapshot, ValueSnapshot } from './compare.js';
import { Mismatches, snapshotValue } from './compare.js';
import { read } from '../harness.js';
import { expectError } from './errors.js';
import { brevitasTestId } from './registry.js';

const FILE = 'tutorial.json';

type Value = Tensor | IntQuantTensor;

/** What a cell program gets: the case's fields and helpers that track what it creates. */
class Cell {
  private readonly created: Array<{ dispose(): void }> = [];
  readonly mismatches: Mismatches;

  constructor(
    readonly c: TutorialCase,
    readonly context: CaseContext,
  ) {
    this.mismatches = new Mismatches(c.name);
  }

  field<T>(name: string): T {
    const value = this.c[name];
    if (value === undefined) throw new Error(`${this.c.name}: no field '${name}'`);
    return value as T;
  }

  /** A stored tensor or QuantTensor as a Parvus value. */
  input(name: string): Value {
    return this.track(toValue(this.field<FixtureValue | FixtureTensor>(name), name));
  }

  module<M extends Module>(m: M): M {
    return this.track(m);
  }

  track<T extends { dispose(): void }>(value: T): T {
    this.created.push(value);
    return value;
  }

  /** Forward in the module's current mode, keeping the result for later comparisons. */
  forward(module: Module, x: Value): Value {
    return this.track(tidy(() => module.forward(x) as Value));
  }

  async expectValue(actual: Value, name: string): Promise<ValueSnapshot> {
    const snapshot = await snapshotValue(actual);
    this.mismatches.value(snapshot, this.field<FixtureValue>(name), name);
    return snapshot;
  }

  expectFlag(actual: boolean, name: string): void {
    this.mismatches.equal(actual, this.field<boolean>(name), name);
  }

  /** The notebook's own assertion (`assert_with_message(...)`). */
  assert(condition: boolean, what: string): void {
    if (!condition) this.mismatches.fail(`the notebook asserts ${what}, which does not hold`);
  }

  expectThrows(fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      expectError(this.c, this.field<FixtureError>('error'), error);
      return;
    }
    this.mismatches.fail(`expected ${this.field<FixtureError>('error').type}, nothing was thrown`);
  }

  dispose(): void {
    for (const v of this.created.reverse()) v.dispose();
  }
}

function quant(snapshot: ValueSnapshot, what: string): QuantTensorSnapshot {
  if (snapshot.kind !== 'IntQuantTensor') throw new Error(`${what}: expected an IntQuantTensor`);
  return snapshot;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

/** torch.isclose(a, b).all() with its defaults (rtol 1e-5, atol 1e-8). */
function allClose(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - (b[i] as number)) <= 1e-8 + 1e-5 * Math.abs(b[i] as number));
}

/** A QuantConv2d(2, 3, 3) with the case's stored weight and bias (the notebook seeds its init). */
function quantConv(cell: Cell, options: QuantWBIOLOptions = {}): Module {
  const conv = cell.module(new QuantConv2d({ inChannels: 2, outChannels: 3, kernelSize: [3, 3], ...options }));
  for (const [name, field] of [['weight', 'conv_weight'], ['bias', 'conv_bias']] as const) {
    const source = toValue(cell.field<FixtureTensor>(field)) as Tensor;
    noGrad(() => conv.getParameter(name).assign(source));
    source.dispose();
  }
  return conv;
}

/**
 * Accumulated conv outputs are compared within the suite's accumulation tolerance (K = 2·3·3
 * products per output); the oracle notes that summation order may move them by an ulp.
 */
function expectAccumulated(cell: Cell, actual: ArrayLike<number>, name: string): void {
  const expected = decodeTensor(cell.field<FixtureTensor>(name), name);
  const tolerance = cell.context.tolerance.accumulation(18);
  cell.mismatches.close({ shape: expected.shape, dtype: 'float32', values: Float32Array.from(actual) }, expected, tolerance, name);
}

interface CellProgram {
  readonly run: (cell: Cell) => Promise<void> | void;
}

/** The notebook's cells, by the number of the cell a case starts at. */
const CELLS: Readonly<Record<number, CellProgram>> = {
  // [2] output_quant on the conv equals a QuantIdentity after it.
  2: {
    run: async (cell) => {
      const inp = cell.input('input');
      const outputQuantConv = quantConv(cell, { outputQuant: Int8ActPerTensorFloat });
      const defaultQuantConv = quantConv(cell);
      const outputIdentityQuant = cell.module(new QuantIdentity());
      const out1 = await read(cell.forward(outputQuantConv, inp) as Tensor);
      const out2 = await read(cell.forward(outputIdentityQuant, cell.forward(defaultQuantConv, inp)) as Tensor);
      expectAccumulated(cell, out1.values, 'out_tensor1');
      expectAccumulated(cell, out2.values, 'out_tensor2');
      cell.expectFlag(allClose(out1.values, out2.values), 'isclose_all');
    },
  },
  // [3] input_quant and output_quant on the conv equal QuantIdentity → conv → QuantIdentity.
  3: {
    run: async (cell) => {
      const inp = cell.input('input');
      const inputOutputQuantConv = quantConv(cell, { inputQuant: Int8ActPerTensorFloat, outputQuant: Int8ActPerTensorFloat });
      const defaultQuantConv = quantConv(cell);
      const inputIdentityQuant = cell.module(new QuantIdentity());
      const outputIdentityQuant = cell.module(new QuantIdentity());
      const out1 = await read(cell.forward(inputOutputQuantConv, inp) as Tensor);
      const out2 = await read(cell.forward(outputIdentityQuant, cell.forward(defaultQuantConv, cell.forward(inputIdentityQuant, inp))) as Tensor);
      expectAccumulated(cell, out1.values, 'out_tensor1');
      expectAccumulated(cell, out2.values, 'out_tensor2');
      cell.expectFlag(allClose(out1.values, out2.values), 'isclose_all');
    },
  },
  // [4] A disabled QuantIdentity is the identity.
  4: {
    run: async (cell) => {
      const inp = cell.input('input');
      const out = cell.forward(cell.module(new QuantIdentity({ actQuant: null })), inp);
      const snapshot = await cell.expectValue(out, 'output');
      const input = await read(inp as Tensor);
      cell.expectFlag(snapshot.kind === 'Tensor' && sameValues(snapshot.tensor.values, input.values), 'equal');
    },
  },
  // [5], [6] return_quant_tensor=True gives a valid IntQuantTensor.
  5: {
    run: async (cell) => {
      const out = cell.forward(cell.module(new QuantIdentity({ returnQuantTensor: true })), cell.input('input'));
      const snapshot = quant(await cell.expectValue(out, 'output'), 'output');
      cell.expectFlag(snapshot.isValid, 'is_valid');
    },
  },
  // [7] A disabled QuantIdentity strips the metadata of a QuantTensor.
  7: {
    run: async (cell) => {
      await cell.expectValue(cell.forward(cell.module(new QuantIdentity({ actQuant: null })), cell.input('input')), 'output');
    },
  },
  // [8] ... and passes it through with return_quant_tensor=True.
  8: {
    run: async (cell) => {
      const layer = cell.module(new QuantIdentity({ actQuant: null, returnQuantTensor: true }));
      await cell.expectValue(cell.forward(layer, cell.input('input')), 'output');
    },
  },
  // [9] QuantReLU: ReLU, then Uint8ActPerTensorFloat.
  9: {
    run: async (cell) => {
      await cell.expectValue(cell.forward(cell.module(new QuantReLU({ returnQuantTensor: true })), cell.input('input')), 'output');
    },
  },
  // [10] A disabled QuantReLU keeps the QuantTensor's metadata.
  10: {
    run: async (cell) => {
      const inp = cell.input('input') as IntQuantTensor;
      const out = cell.forward(cell.module(new QuantReLU({ actQuant: null, returnQuantTensor: true })), inp);
      const snapshot = quant(await cell.expectValue(out, 'output'), 'output');
      const input = quant(await snapshotValue(inp), 'input');
      cell.expectFlag(snapshot.isValid, 'is_valid');
      cell.expectFlag(sameValues(snapshot.scale.values, input.scale.values), 'scale_equal');
      cell.expectFlag(sameValues(snapshot.zeroPoint.values, input.zeroPoint.values), 'zero_point_equal');
      cell.expectFlag(sameValues(snapshot.bitWidth.values, input.bitWidth.values), 'bit_width_equal');
    },
  },
  // [11] A disabled QuantSigmoid cannot return a QuantTensor.
  11: {
    run: (cell) => {
      const layer = cell.module(new QuantSigmoid({ actQuant: null, returnQuantTensor: true }));
      const inp = cell.input('input');
      cell.expectThrows(() => tidy(() => layer.forward(inp)));
    },
  },
  // [12] ReLU acts on the dequantized values of a shifted (zero point 129) QuantTensor.
  12: {
    run: async (cell) => {
      const shiftedQuantIdentity = cell.module(new QuantIdentity({ actQuant: ShiftedUint8ActPerTensorFloat, returnQuantTensor: true }));
      const returnDisabledQuantRelu = cell.module(new QuantReLU({ actQuant: null, returnQuantTensor: true }));
      const shifted = cell.forward(shiftedQuantIdentity, cell.input('input'));
      await cell.expectValue(shifted, 'shifted');
      await cell.expectValue(cell.forward(returnDisabledQuantRelu, shifted), 'output');
    },
  },
  // [13] torch.relu after a conv with output_quant.
  13: {
    run: async (cell) => {
      const outputQuantConv = quantConv(cell, { outputQuant: Int8ActPerTensorFloat });
      const out = cell.forward(outputQuantConv, cell.input('input'));
      const activated = cell.track(tidy(() => relu(out instanceof IntQuantTensor ? out.value : out)));
      expectAccumulated(cell, (await read(activated)).values, 'output');
    },
  },
  // [14] QuantReLU after a default conv.
  14: {
    run: async (cell) => {
      const defaultQuantConv = quantConv(cell);
      const defaultQuantRelu = cell.module(new QuantReLU());
      const out = cell.forward(defaultQuantRelu, cell.forward(defaultQuantConv, cell.input('input')));
      expectAccumulated(cell, (await read(out as Tensor)).values, 'output');
    },
  },
  // [15]–[17] Train-mode scales come from each batch; eval-mode scales from the moving average.
  16: {
    run: async (cell) => {
      const quantIdentity = cell.module(new QuantIdentity({ returnQuantTensor: true }));
      const inp1 = cell.input('inp1');
      const inp2 = cell.input('inp2');
      const out1Train = quant(await cell.expectValue(cell.forward(quantIdentity, inp1), 'out1_train'), 'out1_train');
      const out2Train = quant(await cell.expectValue(cell.forward(quantIdentity, inp2), 'out2_train'), 'out2_train');
      cell.assert(!allClose(out1Train.scale.values, out2Train.scale.values), 'not out1_train.scale.isclose(out2_train.scale)');
      quantIdentity.eval();
      const out1Eval = quant(await cell.expectValue(cell.forward(quantIdentity, inp1), 'out1_eval'), 'out1_eval');
      const out2Eval = quant(await cell.expectValue(cell.forward(quantIdentity, inp2), 'out2_eval'), 'out2_eval');
      cell.assert(allClose(out1Eval.scale.values, out2Eval.scale.values), 'out1_eval.scale.isclose(out2_eval.scale)');
    },
  },
  // [18] QuantHardTanh needs max_val and min_val.
  18: {
    run: (cell) => {
      cell.expectThrows(() => cell.module(new QuantHardTanh()));
    },
  },
  // [19], [20] min_val/max_val initialise a learned scale: the same in train and eval.
  19: {
    run: async (cell) => {
      const quantHardTanh = cell.module(new QuantHardTanh({ maxVal: 1.0, minVal: -1.0, returnQuantTensor: true }));
      const out1Train = quant(await cell.expectValue(cell.forward(quantHardTanh, cell.input('inp1')), 'out1_train'), 'out1_train');
      quantHardTanh.eval();
      const out2Eval = quant(await cell.expectValue(cell.forward(quantHardTanh, cell.input('inp2')), 'out2_eval'), 'out2_eval');
      cell.assert(allClose(out1Train.scale.values, out2Eval.scale.values), 'out1_train.scale.isclose(out2_eval.scale)');
    },
  },
  // [21]–[24] Per-tensor versus per-channel scales on a channel with 3× the range.
  21: {
    run: async (cell) => {
      const inp3 = cell.input('inp3');
      const perTensorQuantRelu = cell.module(new QuantReLU({ returnQuantTensor: true }));
      const perChanQuantRelu = cell.module(new QuantReLU({
        returnQuantTensor: true,
        scalingPerOutputChannel: true,
        perChannelBroadcastableShape: [1, 3, 1, 1],
        scalingStatsPermuteDims: [1, 0, 2, 3],
      }));
      for (const [layer, prefix] of [[perTensorQuantRelu, 'per_tensor'], [perChanQuantRelu, 'per_channel']] as const) {
        const out = cell.forward(layer, inp3) as IntQuantTensor;
        const snapshot = quant(await snapshotValue(out), prefix);
        const m = cell.mismatches;
        m.exact(snapshot.scale, decodeTensor(cell.field<FixtureTensor>(`${prefix}_scale`)), `${prefix}_scale`);
        // out_tensor.scale * ((2**8) - 1), in float32 as torch computes it.
        const x255 = { ...snapshot.scale, values: Float32Array.from(snapshot.scale.values, (s) => Math.fround(s * 255)) };
        m.exact(x255, decodeTensor(cell.field<FixtureTensor>(`${prefix}_scale_x255`)), `${prefix}_scale_x255`);
        let sum = 0;
        for (const v of snapshot.intValue?.values ?? []) sum += v;
        m.equal(sum, cell.field<number>(`${prefix}_int_value_sum`), `${prefix}_int_value_sum`);
      }
    },
  },
};

function cellNumber(c: TutorialCase): number {
  const m = /^cell(\d+)/.exec(c.name);
  if (!m) throw new Error(`${FILE}: case '${c.name}' does not name its notebook cell (cellN_…)`);
  return Number(m[1]);
}

async function runCell(c: TutorialCase, context: CaseContext): Promise<void> {
  const program = CELLS[cellNumber(c)];
  if (!program) throw new Error(`${c.name}: notebook cell ${cellNumber(c)} has no Parvus port in the runner`);
  const cell = new Cell(c, context);
  try {
    await program.run(cell);
  } finally {
    cell.dispose();
  }
  cell.mismatches.throwIfAny();
}

export function registerTutorialTests(suite: Suite): void {
  const fixture = loadFixture<FixtureFile<TutorialCase>>(FILE);
  for (const c of fixture.cases) {
    suite.test(brevitasTestId(FILE, c.name), (context) => runCell(c, context));
  }
}
