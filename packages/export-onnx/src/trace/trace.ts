/**
 * What a trace records: every kernel call of the forward with its inputs, attributes and outputs,
 * in order, with the module it ran in; the module calls (for quantizers that the graph lowers as one
 * node); and the quantization metadata the quant proxies returned.
 *
 * A value is *dynamic* when it depends on the graph input, *constant* otherwise. Only dynamic
 * kernel calls become graph nodes; constants are read back and become initializers.
 */
import type { DataId, DType, Module, TensorInfo } from '@parvus/core';
import { ExportError } from '../errors.js';
import type { ModuleScope } from '../errors.js';
import type { KernelListener, TraceBackend } from './trace-backend.js';

/** A snapshot of a tensor as a kernel saw it (tensors move storage later; this does not). */
export interface TracedValue {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface KernelRecord {
  readonly index: number;
  readonly kernelName: string;
  readonly inputs: readonly TracedValue[];
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly outputs: readonly TracedValue[];
  readonly scope: ModuleScope;
  /** Whether any input depends on the graph input. */
  readonly dynamic: boolean;
}

/** One call of a module's forward: the kernel records [start, end) ran inside it. */
export interface ModuleCall {
  readonly module: Module;
  readonly scope: ModuleScope;
  /** The arguments, with tensors as snapshots. */
  readonly args: readonly unknown[];
  /** The result, with tensors as snapshots (arrays stay arrays). */
  result: unknown;
  readonly start: number;
  end: number;
}

/** Host values of a constant tensor. */
export interface ConstantData {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What a quant proxy said about a quantized value it returned (an IntQuantTensor's metadata). */
export interface QuantProxyOutput {
  /** 'bipolar' for binary quantizers (±scale), 'ternary' for {−scale, 0, scale}, else 'int'. */
  readonly kind: 'int' | 'bipolar' | 'ternary';
  /** The shape of the value as the proxy returned it (scale and zero point broadcast against it). */
  readonly valueShape: readonly number[];
  readonly scale: ConstantData;
  readonly zeroPoint: ConstantData;
  readonly bitWidth: number;
  readonly signed: boolean;
  readonly narrowRange: boolean;
  readonly scope: ModuleScope;
}

export function snapshot(info: TensorInfo): TracedValue {
  return { dataId: info.dataId, shape: [...info.shape], dtype: info.dtype };
}

export class Trace implements KernelListener {
  readonly records: KernelRecord[] = [];
  readonly calls: ModuleCall[] = [];
  readonly quantOutputs = new Map<DataId, QuantProxyOutput>();
  private readonly producers = new Map<DataId, KernelRecord>();
  private readonly dynamicIds = new Set<DataId>();
  private readonly stack: ModuleCall[] = [];
  private consumerCounts: Map<DataId, number> | null = null;
  input: TracedValue | null = null;
  outputs: TracedValue[] = [];

  constructor(
    private readonly backend: TraceBackend,
    readonly rootScope: ModuleScope,
  ) {}

  get scope(): ModuleScope {
    return this.stack[this.stack.length - 1]?.scope ?? this.rootScope;
  }

  /** Mark the graph input. */
  setInput(info: TensorInfo): void {
    this.input = snapshot(info);
    this.dynamicIds.add(info.dataId);
  }

  isDynamic(value: { dataId: DataId }): boolean {
    return this.dynamicIds.has(value.dataId);
  }

  /** The kernel call that produced a value, if a kernel did (views share their source's). */
  producer(value: { dataId: DataId }): KernelRecord | undefined {
    return this.producers.get(value.dataId);
  }

  /** How many kernel inputs and graph outputs use a value's storage. */
  consumers(value: { dataId: DataId }): number {
    if (!this.consumerCounts) {
      const counts = new Map<DataId, number>();
      const use = (id: DataId): void => void counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const record of this.records) for (const input of record.inputs) use(input.dataId);
      for (const output of this.outputs) use(output.dataId);
      this.consumerCounts = counts;
    }
    return this.consumerCounts.get(value.dataId) ?? 0;
  }

  /** Host values of a constant (storage freed during the forward is kept until the trace ends). */
  constant(value: TracedValue): ConstantData {
    if (this.isDynamic(value)) throw new Error('constant(): the value depends on the graph input');
    return { values: this.backend.values(value) as ConstantData['values'], shape: value.shape, dtype: value.dtype };
  }

  // --- KernelListener -----------------------------------------------------------------------

  kernel(kernelName: string, inputs: readonly TensorInfo[], attrs: Record<string, unknown>, outputs: readonly TensorInfo[]): void {
    const dynamic = inputs.some((input) => this.dynamicIds.has(input.dataId));
    const record: KernelRecord = {
      index: this.records.length,
      kernelName,
      inputs: inputs.map(snapshot),
      attrs: structuredClone(attrs),
      outputs: outputs.map(snapshot),
      scope: this.scope,
      dynamic,
    };
    this.records.push(record);
    for (const output of record.outputs) {
      this.producers.set(output.dataId, record);
      if (dynamic) this.dynamicIds.add(output.dataId);
    }
  }

  read(dataId: DataId): void {
    if (this.dynamicIds.has(dataId)) {
      throw new ExportError(
        'its forward reads a value computed from the input back to the host (data-dependent control flow or a ' +
          'statistic taken at run time), which a static ONNX graph cannot express',
        this.scope,
      );
    }
  }

  // --- module calls -------------------------------------------------------------------------

  enter(module: Module, scope: ModuleScope, args: readonly unknown[]): ModuleCall {
    const call: ModuleCall = { module, scope, args: args.map(snapshotValue), result: undefined, start: this.records.length, end: this.records.length };
    this.stack.push(call);
    this.calls.push(call);
    return call;
  }

  exit(call: ModuleCall, result: unknown): void {
    call.end = this.records.length;
    call.result = snapshotValue(result);
    const top = this.stack.pop();
    if (top !== call) throw new Error('module calls exited out of order');
  }
}

interface TensorLikeValue { dataId: DataId; shape: readonly number[]; dtype: DType }

function isTensorLike(value: unknown): value is TensorLikeValue {
  return typeof value === 'object' && value !== null && 'dataId' in value && 'shape' in value && 'dtype' in value;
}

/** Tensors become snapshots, arrays are mapped, everything else is kept as is. */
function snapshotValue(value: unknown): unknown {
  if (isTensorLike(value)) return snapshot(value);
  if (Array.isArray(value)) return value.map(snapshotValue);
  return value;
}
