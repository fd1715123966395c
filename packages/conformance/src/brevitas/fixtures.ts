/**
 * The Brevitas golden vectors (fixtures/brevitas/*.json, schema_version 1, documented in
 * fixtures/brevitas/README.md): their JSON types and loading. The files are read relative to this
 * module, so the suite works from src/ (vitest) and from dist/ alike.
 */
import { readFileSync } from 'node:fs';

/** A tensor `T`: flat, row-major data (or base64 float32 little-endian in `b64`). */
export interface FixtureTensor {
  readonly dtype: 'float32' | 'int64' | 'bool';
  readonly shape: readonly number[];
  readonly data?: ReadonlyArray<number | string | boolean>;
  readonly b64?: string;
}

/** A plain tensor value `Q`. */
export interface FixturePlainValue extends FixtureTensor {
  readonly kind: 'Tensor';
}

/** An IntQuantTensor value `Q`. */
export interface FixtureQuantTensor {
  readonly kind: 'IntQuantTensor';
  readonly value: FixtureTensor;
  readonly scale: FixtureTensor;
  readonly zero_point: FixtureTensor;
  readonly bit_width: FixtureTensor;
  readonly signed: boolean;
  readonly training: boolean;
  readonly is_valid: boolean;
  /** Brevitas's `qt.int()`; null when the tensor is not valid. */
  readonly int_value: FixtureTensor | null;
}

export type FixtureValue = FixturePlainValue | FixtureQuantTensor;

/** A quantizer argument: `Int8ActPerTensorFloat.let(bit_width=4)`. */
export interface QuantizerRef {
  readonly quantizer: string;
  readonly module: string;
  readonly let: Readonly<Record<string, PythonValue>>;
}

/** A Python value as the generator wrote it: tuples are lists, None is null. */
export type PythonValue = number | string | boolean | null | QuantizerRef | readonly PythonValue[] | { readonly [key: string]: PythonValue };

export interface ModuleSpec {
  readonly class: string;
  readonly args: readonly PythonValue[];
  readonly kwargs: Readonly<Record<string, PythonValue>>;
  /** The exact Python constructor call. */
  readonly code: string;
}

/** The state of a statistics-collecting module (`quant_state_*`), keyed by Brevitas module path. */
export interface FixtureQuantState {
  readonly type: string;
  readonly counter?: number;
  readonly collect_stats_steps?: number;
  readonly momentum?: number | null;
  readonly buffer?: FixtureTensor;
  readonly value: FixtureTensor;
}

export type FixtureQuantStates = Readonly<Record<string, FixtureQuantState>>;

export interface FixtureStep {
  readonly mode: 'train' | 'eval';
  readonly inputs: readonly FixtureValue[];
  readonly output: FixtureValue;
  readonly intermediates?: Readonly<Record<string, FixtureValue | readonly FixtureValue[]>>;
  readonly quant_state_after?: FixtureQuantStates;
  readonly warnings?: readonly string[];
}

/** A module case: build, set params, run the steps in order on the same module. */
export interface ModuleCase {
  readonly name: string;
  readonly description: string;
  readonly module: ModuleSpec;
  readonly params?: Readonly<Record<string, FixtureTensor>>;
  readonly quant_state_initial?: FixtureQuantStates;
  readonly quant_weight?: FixtureValue;
  readonly steps: readonly FixtureStep[];
}

export interface LifecycleStep {
  readonly step: number;
  readonly train_scale: FixtureTensor;
  readonly train_zero_point: FixtureTensor;
  /** Omitted in long lifecycles (the 300-step one keeps only scales, zero points and state). */
  readonly train_output?: FixtureValue;
  readonly eval_scale_after: FixtureTensor;
  readonly eval_zero_point_after: FixtureTensor;
  readonly eval_output_after?: FixtureValue;
  readonly quant_state_after: FixtureQuantStates;
}

export interface StateDictEntry {
  readonly shape: readonly number[];
  readonly value: FixtureTensor;
}

export interface LifecycleCase {
  readonly name: string;
  readonly description: string;
  readonly module: ModuleSpec;
  readonly batches: readonly FixtureTensor[];
  readonly probe: FixtureTensor;
  readonly steps: readonly LifecycleStep[];
  readonly final_eval: FixtureValue;
  readonly final_train: FixtureValue;
  readonly state_dict: Readonly<Record<string, StateDictEntry>>;
}

export interface GradientCase {
  readonly name: string;
  readonly description: string;
  readonly module: ModuleSpec;
  readonly params: Readonly<Record<string, FixtureTensor>>;
  readonly warmup_inputs: readonly FixtureTensor[];
  readonly quant_state_before: FixtureQuantStates;
  readonly input: FixtureTensor;
  readonly output: FixtureValue;
  readonly upstream_grad: FixtureTensor;
  readonly input_grad: FixtureTensor;
  /** Keyed by Brevitas's `named_parameters()`; null: the parameter gets no gradient. */
  readonly param_grads: Readonly<Record<string, FixtureTensor | null>>;
  readonly param_values: Readonly<Record<string, FixtureTensor>>;
}

export interface FixtureError {
  readonly type: string;
  readonly module?: string;
  readonly message: string;
  readonly mro?: readonly string[];
}

export interface ErrorCase {
  readonly name: string;
  readonly description: string;
  /** Python, possibly followed by two spaces and a parenthesised note; or a prose description. */
  readonly code: string;
  readonly error: FixtureError | null;
}

export interface SilentlyAcceptedCase {
  readonly name: string;
  readonly description: string;
  readonly code: string;
  readonly input: FixtureTensor;
  readonly output: FixtureValue;
}

export interface ReprCase {
  readonly name: string;
  readonly description: string;
  readonly repr: string;
}

export interface StateDictListEntry {
  readonly key: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly value: FixtureTensor;
}

export interface StateDictCase {
  readonly name: string;
  readonly description: string;
  readonly params: Readonly<Record<string, FixtureTensor>>;
  readonly batches: readonly FixtureTensor[];
  /** Snapshots by label (`fresh`, `after_1_train_step`, `after_5_train_steps`). */
  readonly state_dicts: Readonly<Record<string, readonly StateDictListEntry[]>>;
}

/** A notebook cell of the tutorial: its own fields, described in `description`. */
export interface TutorialCase {
  readonly name: string;
  readonly description: string;
  readonly [field: string]: unknown;
}

export interface FixtureFile<C> {
  readonly topic: string;
  readonly description: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly cases: readonly C[];
}

export interface ErrorsFile extends FixtureFile<ErrorCase> {
  readonly silently_accepted: readonly SilentlyAcceptedCase[];
}

export interface ReprStateDictFile extends FixtureFile<ReprCase> {
  readonly state_dict_cases: readonly StateDictCase[];
}

export interface LayersFile extends FixtureFile<ModuleCase> {
  readonly functional_cases: readonly unknown[];
}

const cache = new Map<string, unknown>();

/** The parsed fixture file `fixtures/brevitas/<name>`, read once per process. */
export function loadFixture<F>(name: string): F {
  const hit = cache.get(name);
  if (hit !== undefined) return hit as F;
  const url = new URL(`../../fixtures/brevitas/${name}`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as F & { meta?: { schema_version?: number } };
  const version = parsed.meta?.schema_version;
  if (version !== 1) throw new Error(`fixtures/brevitas/${name}: schema_version ${String(version)}, this runner reads version 1`);
  cache.set(name, parsed);
  return parsed;
}
