/**
 * module_repr_state_dict.json: `str(module)` of freshly built layers (`cases`), compared exactly
 * with `toString()` once Brevitas's child names are in camelCase; and state dicts through the
 * statistics lifecycle (`state_dict_cases`: keys in camelCase, order, shapes, values).
 */
import type { Tensor } from '@parvus/core';
import { brevitasToParvusName, tidy } from '@parvus/core';
import type { CaseContext, Suite } from '../suite.js';
import type { PythonValue, ReprCase, ReprStateDictFile, StateDictCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { toTensor } from './decode.js';
import type { ValueTolerance } from './compare.js';
import { Mismatches } from './compare.js';
import { construct, isAfterAccumulation, outputTolerance, setParams } from './modules.js';
import { parseCode } from './python.js';
import type { PyNode } from './python.js';
import { brevitasTestId } from './registry.js';

const FILE = 'module_repr_state_dict.json';

/** How a state-dict case feeds a batch to its module (null: the fixture does not say). */
type Feed = ((batch: Tensor) => Tensor[]) | null;

interface Constructor {
  /** The Python constructor call, as the generator wrote it. */
  readonly code: string;
  readonly feed?: Feed;
}

/**
 * The constructor calls behind this file's cases, which (unlike every other file) it does not
 * record: a repr case holds only `str(module)`, a state-dict case a name and snapshots. Each is
 * consistent with its case (class and extra repr, parameter shapes, `collect_stats_steps=3` from
 * the description, scale value 1.0 for min/max-initialised ones). A case the file gains without
 * an entry here fails, naming itself; the oracle should record `module` for these two lists.
 */
const CONSTRUCTORS: Readonly<Record<string, Constructor>> = {
  'cases/QuantReLU_default': { code: 'QuantReLU()' },
  'cases/QuantReLU_per_channel': { code: 'QuantReLU(scaling_per_output_channel=True, per_channel_broadcastable_shape=(1, 3, 1, 1), scaling_stats_permute_dims=(1, 0, 2, 3))' },
  'cases/QuantConv2d_2_3_3': { code: 'QuantConv2d(2, 3, 3)' },
  'cases/QuantIdentity_default': { code: 'QuantIdentity()' },
  'cases/QuantHardTanh_minmax': { code: 'QuantHardTanh(min_val=-1.0, max_val=1.0)' },
  'cases/QuantLinear_full': { code: 'QuantLinear(4, 2, bias=True, input_quant=Int8ActPerTensorFloat, output_quant=Int8ActPerTensorFloat, bias_quant=Int32Bias)' },
  'cases/QuantIdentity_disabled': { code: 'QuantIdentity(act_quant=None)' },
  'state_dict_cases/QuantIdentity': { code: 'QuantIdentity(collect_stats_steps=3)' },
  'state_dict_cases/QuantReLU': { code: 'QuantReLU(collect_stats_steps=3)' },
  'state_dict_cases/QuantIdentity_Shifted': { code: 'QuantIdentity(act_quant=ShiftedUint8ActPerTensorFloat, collect_stats_steps=3)' },
  'state_dict_cases/QuantHardTanh': { code: 'QuantHardTanh(min_val=-1.0, max_val=1.0)' },
  'state_dict_cases/QuantConv2d_default': { code: 'QuantConv2d(2, 3, 3)' },
  'state_dict_cases/QuantConv2d_full': {
    code: 'QuantConv2d(2, 3, 3, input_quant=Int8ActPerTensorFloat, output_quant=Int8ActPerTensorFloat, bias_quant=Int32Bias, input_collect_stats_steps=3, output_collect_stats_steps=3)',
  },
  'state_dict_cases/QuantLinear_full': {
    code: 'QuantLinear(50, 2, bias=True, input_quant=Int8ActPerTensorFloat, output_quant=Int8ActPerTensorFloat, input_collect_stats_steps=3, output_collect_stats_steps=3)',
    feed: (batch) => [batch.reshape([batch.shape[0] as number, -1])],
  },
  'state_dict_cases/QuantConvTranspose2d_default': { code: 'QuantConvTranspose2d(2, 3, 3)' },
  // The second operand is not recorded; half the batch reproduces the input statistics exactly
  // (after one step the shared input quantizer's buffer is 0.9·stat(x) + 0.1·stat(x/2)).
  'state_dict_cases/QuantEltwiseAdd': {
    code: 'QuantEltwiseAdd(input_collect_stats_steps=3, output_collect_stats_steps=3)',
    feed: (batch) => [batch, batch.mul(0.5)],
  },
};

interface ParsedConstructor {
  readonly className: string;
  readonly args: PythonValue[];
  readonly kwargs: Record<string, PythonValue>;
}

/** A CONSTRUCTORS entry with its code parsed, once, at registration (`node` null: not Python). */
interface ConstructorCall extends Constructor {
  readonly node: PyNode | null;
}

function literal(node: PyNode): PythonValue {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'constant':
      return node.value;
    case 'tuple':
    case 'list':
      return node.items.map(literal);
    case 'name':
      return { quantizer: node.id, module: 'brevitas.quant', let: {} };
    default:
      throw new Error(`unsupported argument ${node.kind}`);
  }
}

/** The constructor call behind `list/name`, parsed; null when CONSTRUCTORS has none (the case then fails). */
function constructorCall(list: string, name: string): ConstructorCall | null {
  const entry = CONSTRUCTORS[`${list}/${name}`];
  return entry ? { ...entry, node: parseCode(entry.code) } : null;
}

/** The class and arguments of a case's constructor call. */
function constructorOf(call: ConstructorCall | null, list: string, name: string): ParsedConstructor {
  if (!call) throw new Error(`${FILE} ${list}/${name} records no constructor and the runner has none for it (add it to CONSTRUCTORS)`);
  const { node } = call;
  if (node?.kind !== 'call' || node.callee.kind !== 'name') throw new Error(`not a constructor call: ${call.code}`);
  return {
    className: node.callee.id,
    args: node.args.map(literal),
    kwargs: Object.fromEntries(node.kwargs.map(([k, v]) => [k, literal(v)])),
  };
}

/** A Brevitas repr with its child names in Parvus spelling (`(_zero_hw_sentinel):` → `(zeroHwSentinel):`). */
export function parvusRepr(brevitasRepr: string): string {
  return brevitasRepr.replace(/^(\s*)\(([A-Za-z0-9_]+)\): /gm, (_, indent: string, name: string) => `${indent}(${brevitasToParvusName(name)}): `);
}

function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `line ${i + 1}:\n  expected ${JSON.stringify(e[i] ?? '<end>')}\n  got      ${JSON.stringify(a[i] ?? '<end>')}`;
  }
  return '';
}

function runReprCase(c: ReprCase, call: ConstructorCall | null): void {
  const { className, args, kwargs } = constructorOf(call, 'cases', c.name);
  const expectedClass = c.repr.split('(')[0];
  if (className !== expectedClass) throw new Error(`${c.name}: CONSTRUCTORS builds ${className}, the repr is of ${String(expectedClass)}`);
  const module = construct(className, args, kwargs);
  try {
    const expected = parvusRepr(c.repr);
    const actual = module.toString();
    if (actual !== expected) throw new Error(`${c.name}: toString() differs from Brevitas's repr at ${firstDifference(expected, actual)}\n--- expected\n${expected}\n--- got\n${actual}`);
  } finally {
    module.dispose();
  }
}

/** `fresh` → 0 train steps, `after_5_train_steps` → 5. */
function trainStepsOf(label: string): number {
  if (label === 'fresh') return 0;
  const m = /^after_(\d+)_train_steps?$/.exec(label);
  if (!m) throw new Error(`state-dict snapshot label '${label}' is not 'fresh' or 'after_<n>_train_step(s)'`);
  return Number(m[1]);
}

async function runStateDictCase(c: StateDictCase, call: ConstructorCall | null, context: CaseContext): Promise<void> {
  const { className, args, kwargs } = constructorOf(call, 'state_dict_cases', c.name);
  const feed = call?.feed;
  const mismatches = new Mismatches(c.name);
  const module = construct(className, args, kwargs);
  const tolerance = outputTolerance(className, c.params, context.tolerance);
  const toleranceOf = (key: string): ValueTolerance => (isAfterAccumulation(key) ? tolerance : {});
  try {
    setParams(module, c.params);
    module.train();
    let done = 0;
    for (const [label, expected] of Object.entries(c.state_dicts)) {
      const steps = trainStepsOf(label);
      for (; done < steps; done++) {
        const batch = c.batches[done];
        if (!batch) throw new Error(`${c.name}: snapshot '${label}' needs batch ${done}, the case has ${c.batches.length}`);
        if (feed === null) throw new Error(`${c.name}: the fixture does not record how its batches are fed to ${c.name}`);
        const x = toTensor(batch, `batch ${done}`);
        const out = tidy(() => module.forward(...(feed ? feed(x) : [x])) as { dispose(): void });
        out.dispose();
        x.dispose();
      }
      await mismatches.stateDict(module, expected, label, toleranceOf);
    }
  } finally {
    module.dispose();
  }
  mismatches.throwIfAny();
}

export function registerReprStateDictTests(suite: Suite): void {
  const fixture = loadFixture<ReprStateDictFile>(FILE);
  for (const c of fixture.cases) {
    const call = constructorCall('cases', c.name);
    suite.test(brevitasTestId(FILE, 'repr', c.name), () => runReprCase(c, call));
  }
  for (const c of fixture.state_dict_cases) {
    const call = constructorCall('state_dict_cases', c.name);
    suite.test(brevitasTestId(FILE, 'state_dict', c.name), (context) => runStateDictCase(c, call, context));
  }
}
