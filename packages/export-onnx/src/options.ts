/** Export options and their validation (an unknown or malformed option is an error, never ignored). */
import { ValueError } from '@parvus/core';

export interface ExportOptions {
  /**
   * Version of the standard ONNX opset (13 to 21, default 13). QCDQ needs 13 for per-axis
   * QuantizeLinear; 21 lets activations of 9 to 16 bits use int16/uint16.
   */
  opsetVersion?: number;
  /** Keep the first dimension of the input and outputs symbolic ('batch'), default true. */
  dynamicBatch?: boolean;
  /** Name of the graph input (default 'input'). */
  inputName?: string;
  /** Names of the graph outputs (default 'output', or 'output0', 'output1', … for several). */
  outputNames?: readonly string[];
  /** Also write the model to this path (Node only). */
  file?: string;
  /** The graph's name (default: the module's class name). */
  modelName?: string;
}

export interface ResolvedExportOptions {
  opsetVersion: number;
  dynamicBatch: boolean;
  inputName: string;
  outputNames: readonly string[] | null;
  file: string | null;
  modelName: string | null;
}

const KNOWN = ['opsetVersion', 'dynamicBatch', 'inputName', 'outputNames', 'file', 'modelName'];
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function resolveOptions(what: string, options: unknown): ResolvedExportOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${what}: options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}.`);
  }
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) {
    throw new ValueError(`${what}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; the options are ${KNOWN.join(', ')}.`);
  }
  const opsetVersion = o.opsetVersion ?? MIN_OPSET;
  if (typeof opsetVersion !== 'number' || !Number.isInteger(opsetVersion) || opsetVersion < MIN_OPSET || opsetVersion > MAX_OPSET) {
    throw new ValueError(`${what}: opsetVersion must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opsetVersion)}.`);
  }
  const dynamicBatch = o.dynamicBatch ?? true;
  if (typeof dynamicBatch !== 'boolean') throw new ValueError(`${what}: dynamicBatch must be true or false, got ${String(dynamicBatch)}.`);
  const inputName = o.inputName ?? 'input';
  if (!nonEmptyString(inputName)) throw new ValueError(`${what}: inputName must be a non-empty string, got ${String(inputName)}.`);
  let outputNames: readonly string[] | null = null;
  if (o.outputNames !== undefined) {
    const names = o.outputNames;
    if (!Array.isArray(names) || names.length === 0 || !names.every(nonEmptyString) || new Set(names).size !== names.length) {
      throw new ValueError(`${what}: outputNames must be a non-empty array of distinct non-empty strings, got ${JSON.stringify(names)}.`);
    }
    if (names.includes(inputName)) throw new ValueError(`${what}: output name '${inputName}' is also the input's name.`);
    outputNames = names as string[];
  }
  const file = o.file ?? null;
  if (file !== null && !nonEmptyString(file)) throw new ValueError(`${what}: file must be a non-empty path, got ${String(file)}.`);
  const modelName = o.modelName ?? null;
  if (modelName !== null && !nonEmptyString(modelName)) throw new ValueError(`${what}: modelName must be a non-empty string, got ${String(modelName)}.`);
  return { opsetVersion, dynamicBatch, inputName, outputNames, file, modelName };
}
