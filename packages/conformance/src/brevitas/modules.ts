/**
 * Building Parvus modules from the fixtures' Brevitas constructor calls
 * (`{class, args, kwargs, code}`): the class is looked up by name in @parvus/core, positional
 * arguments get Brevitas's parameter names, keyword names become camelCase, quantizer arguments
 * `{quantizer, let}` become the catalogue quantizer of that name with `.let(camelCase overrides)`,
 * tuples become arrays and None null. A class or quantizer core does not export fails the case,
 * naming it.
 */
import * as core from '@parvus/core';
import type { Injector, Module } from '@parvus/core';
import { brevitasToParvusKey, noGrad } from '@parvus/core';
import type { FixtureTensor, ModuleSpec, PythonValue, QuantizerRef } from './fixtures.js';
import { toTensor } from './decode.js';
import { camelName } from './python.js';
import type { ValueTolerance } from './compare.js';
import type { Tolerances } from '../tolerance.js';

/**
 * Layers whose outputs are float32 accumulations (sums of products or of window elements):
 * PyTorch's summation order is not Parvus's, so their outputs compare within a tolerance.
 */
const ACCUMULATING_CLASSES: ReadonlySet<string> = new Set([
  'QuantConv1d', 'QuantConv2d', 'QuantConvTranspose1d', 'QuantConvTranspose2d', 'QuantLinear',
  'TruncAvgPool2d', 'TruncAdaptiveAvgPool2d', 'QuantUpsample', 'QuantUpsamplingBilinear2d',
]);

/**
 * The comparison of a layer's output (and of the output and truncation quantizers that requantize
 * it): bit for bit, except after a float accumulation of K terms, which gets the suite's
 * accumulation tolerance 4·eps·(√K + 1) of the largest element (K bounded by the weight's size).
 */
export function outputTolerance(className: string, params: Readonly<Record<string, FixtureTensor>> | undefined, tolerances: Tolerances): ValueTolerance {
  if (!ACCUMULATING_CLASSES.has(className)) return {};
  const weight = params?.['weight'];
  const terms = weight ? weight.shape.reduce((p, d) => p * d, 1) : 16;
  return { float: tolerances.accumulation(terms) };
}

/**
 * Whether a module path (camelCase) is a quantizer fed by an accumulated output — the output and
 * truncation quantizers of an accumulating layer — whose outputs and statistics compare like it.
 */
export function isAfterAccumulation(path: string): boolean {
  return /^(outputQuant|truncQuant)(\.|$)/.test(path);
}

/** Positional parameters of Brevitas's constructors, in order (Python signatures of 0.12.1). */
const POSITIONAL_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  QuantConv1d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'padding_mode', 'bias'],
  QuantConv2d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'padding_mode', 'bias'],
  QuantConvTranspose1d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'dilation', 'groups', 'padding_mode', 'bias'],
  QuantConvTranspose2d: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'dilation', 'groups', 'padding_mode', 'bias'],
  QuantLinear: ['in_features', 'out_features', 'bias'],
  TruncAvgPool2d: ['kernel_size', 'stride', 'padding'],
  TruncAdaptiveAvgPool2d: ['output_size'],
  QuantUpsample: ['size', 'scale_factor', 'mode', 'align_corners'],
  QuantUpsamplingNearest2d: ['size', 'scale_factor'],
  QuantUpsamplingBilinear2d: ['size', 'scale_factor'],
};

/** Parameters of Brevitas's forward methods that fixtures pass by keyword (`QuantCat()([a, b], dim=1)`). */
const FORWARD_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  QuantCat: ['tensor_list', 'dim'],
};

/** A forward call's arguments in order, keyword arguments placed by Brevitas's parameter names. */
export function forwardArguments(className: string, args: readonly unknown[], kwargs: ReadonlyArray<readonly [string, unknown]>): unknown[] {
  const names = FORWARD_PARAMETERS[className] ?? [];
  const out = [...args];
  for (const [name, value] of kwargs) {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`${className}.forward: the runner does not know the keyword argument '${name}'`);
    out[index] = value;
  }
  return out;
}

/** A named export of @parvus/core, or undefined. */
export function coreExport(name: string): unknown {
  return (core as Readonly<Record<string, unknown>>)[name];
}

/** A Brevitas layer class name: exported by core as a Module. */
export function isModuleClassName(name: string): boolean {
  const exported = coreExport(name);
  return typeof exported === 'function' && exported.prototype instanceof core.Module;
}

export function isQuantizerRef(value: unknown): value is QuantizerRef {
  return typeof value === 'object' && value !== null && typeof (value as { quantizer?: unknown }).quantizer === 'string';
}

/** The catalogue quantizer named `ref.quantizer`, with its `let` overrides in camelCase. */
export function quantizerOf(ref: QuantizerRef): Injector {
  const quantizer = coreExport(ref.quantizer);
  if (!(quantizer instanceof core.Injector)) throw new Error(`@parvus/core exports no quantizer '${ref.quantizer}' (${ref.module})`);
  const overrides = optionsOf(ref.let);
  return Object.keys(overrides).length > 0 ? quantizer.let(overrides) : quantizer;
}

/** A Python value as a Parvus option value. */
export function optionValue(value: PythonValue): unknown {
  if (isQuantizerRef(value)) return quantizerOf(value);
  if (Array.isArray(value)) return (value as readonly PythonValue[]).map(optionValue);
  if (value !== null && typeof value === 'object') return optionsOf(value as Readonly<Record<string, PythonValue>>);
  return value;
}

/** Python keyword arguments as a Parvus options object. */
export function optionsOf(kwargs: Readonly<Record<string, PythonValue>>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(kwargs)) options[camelName(name)] = optionValue(value);
  return options;
}

/** Positional and keyword arguments of a Brevitas constructor call as one options object. */
export function constructorOptions(className: string, args: readonly PythonValue[], kwargs: Readonly<Record<string, PythonValue>>): Record<string, unknown> {
  const names = POSITIONAL_PARAMETERS[className] ?? [];
  if (args.length > names.length) {
    throw new Error(`${className}: ${args.length} positional arguments, the runner knows ${names.length} (${names.join(', ') || 'none'})`);
  }
  const named: Record<string, PythonValue> = {};
  args.forEach((value, i) => {
    named[names[i] as string] = value;
  });
  return { ...optionsOf(named), ...optionsOf(kwargs) };
}

type ModuleClass = new (options: Record<string, unknown>) => Module;

/** The Parvus class of a Brevitas class name. */
export function moduleClass(className: string): ModuleClass {
  const cls = coreExport(className);
  if (typeof cls !== 'function' || !(cls.prototype instanceof core.Module)) throw new Error(`@parvus/core exports no module class '${className}'`);
  return cls as ModuleClass;
}

/** `new <Class>({...})` for a Brevitas constructor call. */
export function construct(className: string, args: readonly PythonValue[], kwargs: Readonly<Record<string, PythonValue>>): Module {
  return new (moduleClass(className))(constructorOptions(className, args, kwargs));
}

export function buildModule(spec: ModuleSpec): Module {
  return construct(spec.class, spec.args, spec.kwargs);
}

/** Set parameters (`weight`, `bias`, nested names) to the fixture's values, keyed Brevitas-style. */
export function setParams(module: Module, params: Readonly<Record<string, FixtureTensor>> | undefined): void {
  for (const [key, value] of Object.entries(params ?? {})) {
    const target = module.getParameter(brevitasToParvusKey(key));
    const source = toTensor(value, `params.${key}`);
    noGrad(() => target.assign(source));
    source.dispose();
  }
}
