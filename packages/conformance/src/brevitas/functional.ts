/**
 * layers.json `functional_cases`: PyTorch functions applied to QuantTensors
 * (`qt_a + qt_b`, `torch.cat([qa, qb], dim=1)`, `torch.flatten(qt, 1)`, ...). The case's inputs
 * bind to the names of its code in order of appearance; the code runs as the IntQuantTensor
 * method that implements it in Parvus. A function the runner has no QuantTensor counterpart for
 * fails the case, naming the function.
 */
import type { Tensor } from '@parvus/core';
import { IntQuantTensor, MaxPool2d, tidy } from '@parvus/core';
import type { Suite } from '../suite.js';
import type { FixtureValue, LayersFile } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { disposeValue, toValue } from './decode.js';
import { Mismatches, snapshotValue } from './compare.js';
import type { PyNode } from './python.js';
import { parseCode } from './python.js';
import { brevitasTestId } from './registry.js';

const FILE = 'layers.json';

interface FunctionalCase {
  readonly name: string;
  readonly description: string;
  readonly code: string;
  readonly inputs: readonly FixtureValue[];
  readonly output: FixtureValue;
}

type Value = Tensor | IntQuantTensor | number | boolean | null | Value[];

/** The dotted name of a callee (`torch.nn.functional.max_pool2d`), or null. */
function dottedName(node: PyNode): string | null {
  if (node.kind === 'name') return node.id;
  if (node.kind === 'attribute') {
    const base = dottedName(node.object);
    return base === null ? null : `${base}.${node.name}`;
  }
  return null;
}

/** Names in order of first appearance (the order the case's inputs are listed in). */
function namesIn(node: PyNode, into: string[] = []): string[] {
  switch (node.kind) {
    case 'name':
      if (!into.includes(node.id)) into.push(node.id);
      break;
    case 'call':
      for (const a of node.args) namesIn(a, into);
      for (const [, v] of node.kwargs) namesIn(v, into);
      break;
    case 'binary':
      namesIn(node.left, into);
      namesIn(node.right, into);
      break;
    case 'list':
    case 'tuple':
      for (const item of node.items) namesIn(item, into);
      break;
    default:
      break;
  }
  return into;
}

/** Python's binding of positional then keyword arguments to `names` (missing ones undefined; Python's False is 0). */
function positional(args: readonly Value[], kwargs: ReadonlyMap<string, Value>, names: readonly string[]): Array<Value | undefined> {
  return names.map((n, i) => (i < args.length ? args[i] : kwargs.get(n)));
}

function quantTensor(v: Value, what: string): IntQuantTensor {
  if (!(v instanceof IntQuantTensor)) throw new Error(`${what} is not a QuantTensor`);
  return v;
}

function evaluate(node: PyNode, env: ReadonlyMap<string, Value>): Value {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'constant':
      return node.value;
    case 'name': {
      const v = env.get(node.id);
      if (v === undefined) throw new Error(`no input bound to '${node.id}'`);
      return v;
    }
    case 'list':
    case 'tuple':
      return node.items.map((item) => evaluate(item, env));
    case 'binary': {
      const left = quantTensor(evaluate(node.left, env), 'left operand');
      const right = evaluate(node.right, env) as Tensor | IntQuantTensor | number;
      if (node.op === '+') return left.add(right);
      if (node.op === '*') return left.mul(right);
      throw new Error(`no Parvus counterpart for operator ${node.op} on IntQuantTensor`);
    }
    case 'call': {
      const name = dottedName(node.callee);
      const args = node.args.map((a) => evaluate(a, env));
      const kwargs = new Map(node.kwargs.map(([k, v]) => [k, evaluate(v, env)]));
      if (name === 'torch.cat') {
        const tensors = (args[0] as Value[]).map((t, i) => quantTensor(t, `torch.cat operand ${i}`));
        return IntQuantTensor.cat(tensors, (kwargs.get('dim') ?? args[1] ?? 0) as number);
      }
      if (name === 'torch.flatten') {
        return quantTensor(args[0] as Value, 'torch.flatten input').flatten((kwargs.get('start_dim') ?? args[1] ?? 0) as number);
      }
      // F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)
      if (name === 'torch.nn.functional.max_pool2d') {
        const [kernel, stride, padding, dilation, ceilMode] = positional(args.slice(1), kwargs, ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode']);
        return quantTensor(args[0] as Value, 'max_pool2d input').maxPool2d(kernel as number, {
          ...(stride != null ? { stride: stride as number } : {}),
          ...(padding != null ? { padding: padding as number } : {}),
          ...(dilation != null ? { dilation: dilation as number } : {}),
          ...(ceilMode != null ? { ceilMode: Boolean(ceilMode) } : {}),
        });
      }
      // F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
      if (name === 'torch.nn.functional.avg_pool2d') {
        const [kernel, stride, padding, ceilMode, countIncludePad, divisorOverride] =
          positional(args.slice(1), kwargs, ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']);
        return quantTensor(args[0] as Value, 'avg_pool2d input').avgPool2d(kernel as number, {
          ...(stride != null ? { stride: stride as number } : {}),
          ...(padding != null ? { padding: padding as number } : {}),
          ...(ceilMode != null ? { ceilMode: Boolean(ceilMode) } : {}),
          ...(countIncludePad != null ? { countIncludePad: Boolean(countIncludePad) } : {}),
          divisorOverride: (divisorOverride ?? null) as number | null,
        });
      }
      // F.dropout(input, p=0.5, training=True)
      if (name === 'torch.nn.functional.dropout') {
        const [p, training] = positional(args.slice(1), kwargs, ['p', 'training']);
        return quantTensor(args[0] as Value, 'dropout input').dropout((p ?? 0.5) as number, Boolean(training ?? true));
      }
      if (name === 'torch.nn.functional.relu') return quantTensor(args[0] as Value, 'relu input').relu();
      if (node.callee.kind === 'call' && dottedName(node.callee.callee) === 'torch.nn.MaxPool2d') {
        const ctor = node.callee;
        const [kernel, stride, padding, dilation, ceilMode] = positional(
          ctor.args.map((a) => evaluate(a, env)),
          new Map(ctor.kwargs.map(([k, v]) => [k, evaluate(v, env)])),
          ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'],
        );
        const pool = new MaxPool2d({
          kernelSize: kernel as number,
          ...(stride != null ? { stride: stride as number } : {}),
          ...(padding != null ? { padding: padding as number } : {}),
          ...(dilation != null ? { dilation: dilation as number } : {}),
          ...(ceilMode != null ? { ceilMode: Boolean(ceilMode) } : {}),
        });
        return pool.forward(quantTensor(args[0] as Value, 'MaxPool2d input'));
      }
      throw new Error(`no Parvus counterpart for ${name ?? 'this call'}`);
    }
    default:
      throw new Error(`cannot evaluate ${node.kind}`);
  }
}

async function runFunctionalCase(c: FunctionalCase, node: PyNode): Promise<void> {
  const mismatches = new Mismatches(c.name);
  const names = namesIn(node);
  if (names.length !== c.inputs.length) throw new Error(`${c.name}: ${names.length} names (${names.join(', ')}) for ${c.inputs.length} inputs`);
  const inputs = c.inputs.map((v, i) => toValue(v, `input ${names[i]}`));
  const env = new Map<string, Value>(names.map((n, i) => [n, inputs[i] as Value]));
  let output: Tensor | IntQuantTensor | null = null;
  try {
    output = tidy(() => evaluate(node, env) as Tensor | IntQuantTensor);
    mismatches.value(await snapshotValue(output), c.output, 'output');
  } finally {
    disposeValue(output);
    for (const v of inputs) disposeValue(v);
  }
  mismatches.throwIfAny();
}

export function registerFunctionalTests(suite: Suite): void {
  const fixture = loadFixture<LayersFile>(FILE);
  for (const c of fixture.functional_cases as readonly FunctionalCase[]) {
    const node = parseCode(c.code);
    suite.test(brevitasTestId(FILE, 'functional', c.name), () => {
      if (!node) throw new Error(`${c.name}: the runner cannot read ${JSON.stringify(c.code)}`);
      return runFunctionalCase(c, node);
    });
  }
}
