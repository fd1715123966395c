/**
 * errors.json: the exceptions Brevitas raises, by Python class name and message. Each case's
 * `code` is evaluated in Parvus (a constructor call, a layer applied to a sample input, a
 * QuantTensor operation); the error must carry Brevitas's type as `brevitasType` and Brevitas's
 * message in TypeScript spelling (snake_case names in camelCase). `silently_accepted` lists calls
 * Brevitas accepts without complaint; their outputs must match.
 *
 * Where Parvus deliberately differs, the rule is stated here and keyed by what happens, not by
 * case name:
 * - Brevitas asserts with an empty message (`assert isinstance(bit_width, int)`); Parvus says what
 *   is wrong instead, so any non-empty message is accepted for those.
 * - Python's AttributeError text describes Python objects (`'Tensor' object has no attribute
 *   'value'`); any non-empty message is accepted with the same type.
 * - Brevitas 0.12.1 bugs (QuantCat.forward raises AttributeError): Parvus does the evident right
 *   thing, so the call must succeed.
 * - An option Brevitas silently ignores is an error in Parvus (DESIGN.md); the case passes when
 *   Parvus refuses exactly that option and, without it, reproduces Brevitas's output.
 */
import type { Tensor } from '@parvus/core';
import { ConfigurationError, IntQuantTensor, Injector, Module, ParvusError, settleChecks, tensor, tidy } from '@parvus/core';
import type { Suite } from '../suite.js';
import type { ErrorCase, ErrorsFile, FixtureError, PythonValue, SilentlyAcceptedCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { toTensor } from './decode.js';
import { Mismatches, snapshotValue } from './compare.js';
import { construct, coreExport, forwardArguments, isModuleClassName } from './modules.js';
import type { PyNode } from './python.js';
import { camelName, parseCode, typescriptSpelling } from './python.js';
import { brevitasTestId } from './registry.js';

const FILE = 'errors.json';

type Value = Tensor | IntQuantTensor | Module | Injector | PythonValue;

/** Brevitas 0.12.1 bugs that Parvus fixes: the call must succeed. */
const BREVITAS_BUGS: ReadonlyArray<{ readonly type: string; readonly message: RegExp; readonly note: string }> = [
  { type: 'AttributeError', message: /has no attribute 'cat'/, note: "Brevitas 0.12.1's QuantCat.forward raises; Parvus concatenates" },
];

// --- sample values for the names the error cases use ----------------------------------------

const SAMPLE_SHAPE = [1, 2, 4, 3];
const SAMPLE_INTS = Array.from({ length: 24 }, (_, i) => ((i * 37) % 17) - 8);

function quantTensor(ints: readonly number[], scale: number, zeroPoint: number, bitWidth: number, signed: boolean, training: boolean): IntQuantTensor {
  const value = Float32Array.from(ints, (q) => (q - zeroPoint) * scale);
  return new IntQuantTensor(tensor(value, SAMPLE_SHAPE), tensor(scale), tensor(zeroPoint), tensor(bitWidth), signed, training);
}

/**
 * The inputs the cases name: `float_tensor` / `x` (floats), `quant_tensor`, `a`, `b` (valid signed
 * 8-bit QuantTensors), `shifted_qt` (unsigned, zero point 128).
 */
function sample(name: string): Tensor | IntQuantTensor | undefined {
  switch (name) {
    case 'float_tensor':
    case 'x':
      return tensor(Float32Array.from(SAMPLE_INTS, (q) => q / 7), SAMPLE_SHAPE);
    case 'quant_tensor':
    case 'a':
    case 'b':
      return quantTensor(SAMPLE_INTS, 0.0625, 0, 8, true, true);
    case 'shifted_qt':
      return quantTensor(SAMPLE_INTS.map((q) => q + 128), 0.0625, 128, 8, false, true);
    default:
      return undefined;
  }
}

// --- the Python of `code` ---------------------------------------------------------------------

/** A literal, tuple, quantizer name or `Quantizer.let(...)` as a fixture-style Python value. */
function pythonValue(node: PyNode): PythonValue | undefined {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'constant':
      return node.value;
    case 'tuple':
    case 'list': {
      const items = node.items.map(pythonValue);
      return items.every((v) => v !== undefined) ? (items as PythonValue[]) : undefined;
    }
    case 'name':
      return /^[A-Z]/.test(node.id) && !isModuleClassName(node.id) ? { quantizer: node.id, module: 'brevitas.quant', let: {} } : undefined;
    case 'call': {
      if (node.callee.kind !== 'attribute' || node.callee.name !== 'let') return undefined;
      const base = pythonValue(node.callee.object);
      if (!base || typeof base !== 'object' || !('quantizer' in base)) return undefined;
      return { ...base, let: kwargsOf(node) };
    }
    default:
      return undefined;
  }
}

function kwargsOf(node: Extract<PyNode, { kind: 'call' }>): Record<string, PythonValue> {
  const kwargs: Record<string, PythonValue> = {};
  for (const [name, value] of node.kwargs) {
    const v = pythonValue(value);
    if (v === undefined) throw new Error(`cannot use ${value.kind} as the value of ${name}`);
    kwargs[name] = v;
  }
  return kwargs;
}

/** Python floats with integral values (`4.0`): TypeScript cannot tell them from integers. */
function hasIntegralFloat(node: PyNode): boolean {
  switch (node.kind) {
    case 'number':
      return node.isFloat && Number.isInteger(node.value);
    case 'call':
      return hasIntegralFloat(node.callee) || node.args.some(hasIntegralFloat) || node.kwargs.some(([, v]) => hasIntegralFloat(v));
    case 'tuple':
    case 'list':
      return node.items.some(hasIntegralFloat);
    case 'attribute':
      return hasIntegralFloat(node.object);
    case 'binary':
      return hasIntegralFloat(node.left) || hasIntegralFloat(node.right);
    default:
      return false;
  }
}

/** Values created while evaluating (disposed afterwards). */
class Scope {
  readonly created: Array<{ dispose(): void }> = [];

  track<T extends { dispose(): void }>(value: T): T {
    this.created.push(value);
    return value;
  }

  dispose(): void {
    for (const v of this.created.reverse()) v.dispose();
  }
}

function numberArg(value: Value | undefined, what: string): number {
  if (typeof value !== 'number') throw new Error(`${what} must be a number`);
  return value;
}

/** Evaluate the Python of a case in Parvus. */
function evaluate(node: PyNode, scope: Scope): Value {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'constant':
      return node.value;
    case 'tuple':
    case 'list':
      return node.items.map((item) => evaluate(item, scope)) as PythonValue;
    case 'name': {
      const value = sample(node.id);
      if (value) return scope.track(value);
      const exported = coreExport(node.id);
      if (exported instanceof Injector) return exported;
      throw new Error(`the runner has no sample value named '${node.id}'`);
    }
    case 'binary': {
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      if (!(left instanceof IntQuantTensor)) throw new Error(`left operand of ${node.op} is not a QuantTensor`);
      const rhs = right as IntQuantTensor | Tensor | number;
      if (node.op === '+') return scope.track(left.add(rhs));
      if (node.op === '*') return scope.track(left.mul(rhs));
      throw new Error(`operator ${node.op} is not supported`);
    }
    case 'attribute':
      throw new Error(`attribute .${node.name} without a call`);
    case 'call': {
      const callee = node.callee;
      if (callee.kind === 'name' && callee.id === 'IntQuantTensor') {
        const kw = new Map(node.kwargs.map(([k, v]) => [k, evaluate(v, scope)]));
        const field = (...names: string[]): Value | undefined => names.map((n) => kw.get(n)).find((v) => v !== undefined);
        const signed = field('signed');
        const training = field('training');
        return scope.track(new IntQuantTensor(
          tensor(numberArg(field('value'), 'value')),
          tensor(numberArg(field('scale'), 'scale')),
          tensor(numberArg(field('zp', 'zero_point'), 'zero_point')),
          tensor(numberArg(field('bw', 'bit_width'), 'bit_width')),
          signed === undefined ? true : signed === true,
          training === true,
        ));
      }
      if (callee.kind === 'name' && isModuleClassName(callee.id)) {
        const args = node.args.map((a) => pythonValue(a) ?? null);
        return scope.track(construct(callee.id, args, kwargsOf(node)));
      }
      if (callee.kind === 'attribute') {
        const object = evaluate(callee.object, scope);
        if (callee.name === 'int' && object instanceof IntQuantTensor) return scope.track(object.int());
        throw new Error(`method .${callee.name}() is not supported`);
      }
      const target = evaluate(callee, scope);
      if (target instanceof Module) {
        const args = forwardArguments(target.constructor.name, node.args.map((a) => evaluate(a, scope)), node.kwargs.map(([k, v]) => [k, evaluate(v, scope)] as const));
        return scope.track(tidy(() => target.forward(...args)) as Tensor | IntQuantTensor);
      }
      throw new Error(`cannot call ${callee.kind}`);
    }
  }
}

/** The QuantTensor operations errors.json describes in prose. */
const PROSE: ReadonlyArray<{ readonly pattern: RegExp; readonly run: (m: RegExpMatchArray, scope: Scope) => Value }> = [
  {
    // 'eval-mode QuantTensor + QuantTensor with different scales'
    pattern: /^(eval|train)-mode QuantTensor ([+*]) QuantTensor with different scales$/,
    run: (m, scope) => {
      const training = m[1] === 'train';
      const a = scope.track(quantTensor(SAMPLE_INTS, 0.0625, 0, 8, true, training));
      const b = scope.track(quantTensor(SAMPLE_INTS, 0.125, 0, 8, true, training));
      return scope.track(m[2] === '+' ? a.add(b) : a.mul(b));
    },
  },
  {
    // 'eval-mode torch.cat of QuantTensors with different scales'
    pattern: /^(eval|train)-mode torch\.cat of QuantTensors with different scales$/,
    run: (m, scope) => {
      const training = m[1] === 'train';
      const a = scope.track(quantTensor(SAMPLE_INTS, 0.0625, 0, 8, true, training));
      const b = scope.track(quantTensor(SAMPLE_INTS, 0.125, 0, 8, true, training));
      return scope.track(IntQuantTensor.cat([a, b], 1));
    },
  },
];

/** How a case's code runs: its parsed Python (`node`), or a prose operation. */
function program(code: string, node: PyNode | null): ((scope: Scope) => Value) | null {
  if (node) return (scope) => evaluate(node, scope);
  for (const { pattern, run } of PROSE) {
    const m = code.match(pattern);
    if (m) return (scope) => run(m, scope);
  }
  return null;
}

/**
 * Python's float 4.0 has no TypeScript counterpart (one number type: it is the integer 4). A case
 * whose error is Brevitas's isinstance(bit_width, int) assertion on such a literal runs as its
 * nearest TypeScript analogue, the non-integer 4.5, which Brevitas rejects with the same error.
 */
function nonIntegralAnalogue(node: PyNode): PyNode {
  switch (node.kind) {
    case 'number':
      return node.isFloat && Number.isInteger(node.value) ? { ...node, value: node.value + 0.5 } : node;
    case 'call':
      return {
        ...node,
        callee: nonIntegralAnalogue(node.callee),
        args: node.args.map(nonIntegralAnalogue),
        kwargs: node.kwargs.map(([k, v]) => [k, nonIntegralAnalogue(v)] as [string, PyNode]),
      };
    case 'tuple':
    case 'list':
      return { ...node, items: node.items.map(nonIntegralAnalogue) };
    case 'attribute':
      return { ...node, object: nonIntegralAnalogue(node.object) };
    case 'binary':
      return { ...node, left: nonIntegralAnalogue(node.left), right: nonIntegralAnalogue(node.right) };
    default:
      return node;
  }
}

function isIntegralFloatAssertion(c: ErrorCase, node: PyNode): boolean {
  return c.error?.type === 'AssertionError' && c.error.message === '' && hasIntegralFloat(node);
}

/** Check that `thrown` is Brevitas's `expected` error in Parvus's terms (rules above). */
export function expectError(c: { readonly name: string }, expected: FixtureError, thrown: unknown): void {
  if (!ParvusError.isInstance(thrown)) {
    throw new Error(`${c.name}: expected a ParvusError with brevitasType '${expected.type}', got ${String(thrown)}`, { cause: thrown });
  }
  const problems: string[] = [];
  if (thrown.brevitasType !== expected.type) problems.push(`brevitasType: expected '${expected.type}', got '${String(thrown.brevitasType)}'`);
  // An empty Brevitas message (a bare assert) and Python's AttributeError text have no
  // TypeScript counterpart: Parvus gives a descriptive message, which must not be empty.
  const anyMessage = expected.message === '' || expected.type === 'AttributeError';
  const message = typescriptSpelling(expected.message);
  if (anyMessage ? thrown.message.trim() === '' : thrown.message !== message) {
    problems.push(anyMessage ? 'message: expected a descriptive message, got an empty one' : `message:\n    expected ${JSON.stringify(message)}\n    got      ${JSON.stringify(thrown.message)}`);
  }
  if (problems.length > 0) throw new Error(`${c.name} (${thrown.name}): ${problems.join('; ')}`);
}

/** Run an error case; `node` is its code parsed at registration (null: prose). */
async function runErrorCase(c: ErrorCase, node: PyNode | null): Promise<void> {
  const run = node && isIntegralFloatAssertion(c, node) ? (scope: Scope) => evaluate(nonIntegralAnalogue(node), scope) : program(c.code, node);
  if (!run) throw new Error(`${c.name}: the runner cannot interpret ${JSON.stringify(c.code)}`);
  const bug = c.error ? BREVITAS_BUGS.find((b) => b.type === c.error?.type && b.message.test(c.error.message)) : undefined;
  const scope = new Scope();
  try {
    let thrown: unknown = null;
    let threw = false;
    try {
      run(scope);
      // A backend without synchronous reads raises value checks at the next read (Engine.check).
      await settleChecks();
    } catch (error) {
      threw = true;
      thrown = error;
    }
    if (c.error === null || bug) {
      if (threw) throw new Error(`${c.name}: expected no error${bug ? ` (${bug.note})` : ''}, got ${String(thrown)}`, { cause: thrown });
      return;
    }
    if (!threw) throw new Error(`${c.name}: expected ${c.error.type}(${JSON.stringify(c.error.message)}), nothing was thrown`);
    expectError(c, c.error, thrown);
  } finally {
    scope.dispose();
  }
}

// --- silently accepted ------------------------------------------------------------------------

/** `Layer(kwargs)(x)` (`node`, parsed from `code`): the constructor call and its keyword arguments. */
function layerCall(code: string, node: PyNode | null): { className: string; args: PythonValue[]; kwargs: Record<string, PythonValue> } {
  if (node?.kind !== 'call' || node.callee.kind !== 'call' || node.callee.callee.kind !== 'name') {
    throw new Error(`not a layer call: ${JSON.stringify(code)}`);
  }
  const ctor = node.callee;
  return { className: (ctor.callee as { id: string }).id, args: ctor.args.map((a) => pythonValue(a) ?? null), kwargs: kwargsOf(ctor) };
}

async function runSilentlyAccepted(c: SilentlyAcceptedCase, node: PyNode | null): Promise<void> {
  const { className, args, kwargs } = layerCall(c.code, node);
  const mismatches = new Mismatches(c.name);
  let module: Module;
  try {
    module = construct(className, args, kwargs);
  } catch (error) {
    // Parvus refuses options that no quantizer uses; Brevitas ignores them. The refusal must name
    // one of the case's options, and without it the output must be Brevitas's.
    const refused = Object.keys(kwargs).find((k) => ConfigurationError.isInstance(error) && (error as Error).message.includes(`option '${camelName(k)}' is not used`));
    if (refused === undefined) throw error;
    const rest = Object.fromEntries(Object.entries(kwargs).filter(([k]) => k !== refused));
    module = construct(className, args, rest);
  }
  const input = toTensor(c.input, 'input');
  let output: Tensor | IntQuantTensor | null = null;
  try {
    module.train();
    output = tidy(() => module.forward(input) as Tensor | IntQuantTensor);
    mismatches.value(await snapshotValue(output), c.output, 'output');
  } finally {
    output?.dispose();
    input.dispose();
    module.dispose();
  }
  mismatches.throwIfAny();
}

export function registerErrorTests(suite: Suite): void {
  const fixture = loadFixture<ErrorsFile>(FILE);
  for (const c of fixture.cases) {
    const node = parseCode(c.code);
    suite.test(brevitasTestId(FILE, c.name), () => runErrorCase(c, node));
  }
  for (const c of fixture.silently_accepted) {
    const node = parseCode(c.code);
    suite.test(brevitasTestId(FILE, 'silently_accepted', c.name), () => runSilentlyAccepted(c, node));
  }
}
