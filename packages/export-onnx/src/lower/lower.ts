/**
 * Lowering a trace to a graph: the input, then every dynamic kernel call in order (or, for module
 * calls the dialect writes as one node, that node instead of the call's kernels), then the outputs.
 * Constant kernel calls produce no nodes: their results are read back where the graph needs them.
 */
import type { DataId } from '@parvus/core';
import { ValueError } from '@parvus/core';
import { Graph } from '../graph/ir.js';
import type { ResolvedExportOptions } from '../options.js';
import type { ModuleCall, Trace, TracedValue } from '../trace/trace.js';
import type { CallLowering, Dialect } from './context.js';
import { LoweringContext } from './context.js';
import { kernelLowerings, unsupportedKernelReason } from './kernels/register-all-lowerings.js';

interface PlannedCall {
  readonly call: ModuleCall;
  readonly lowering: CallLowering;
}

/** Whether a value made inside the call, other than its output, is read after it. */
function leaksIntermediate(trace: Trace, call: ModuleCall, output: TracedValue): boolean {
  const inside = new Set<DataId>();
  for (let i = call.start; i < call.end; i++) {
    const record = trace.records[i];
    if (!record?.dynamic) continue;
    for (const value of record.outputs) if (value.dataId !== output.dataId) inside.add(value.dataId);
  }
  for (let i = call.end; i < trace.records.length; i++) {
    if ((trace.records[i]?.inputs ?? []).some((value) => inside.has(value.dataId))) return true;
  }
  return trace.outputs.some((value) => inside.has(value.dataId));
}

/** The module calls the dialect lowers as single nodes, in order and not nested. */
function planCalls(ctx: LoweringContext): PlannedCall[] {
  const { trace, dialect } = ctx;
  const planned: PlannedCall[] = [];
  let end = 0;
  for (const call of trace.calls) {
    if (call.start < end || call.start === call.end || !dialect.lowerCall) continue;
    const lowering = dialect.lowerCall(ctx, call);
    if (!lowering || !trace.isDynamic(lowering.input) || !trace.isDynamic(lowering.output)) continue;
    const producer = trace.producer(lowering.output);
    if (!producer || producer.index < call.start || producer.index >= call.end) continue;
    if (leaksIntermediate(trace, call, lowering.output)) continue;
    planned.push({ call, lowering });
    end = call.end;
  }
  return planned;
}

export function lowerTrace(trace: Trace, dialect: Dialect, options: ResolvedExportOptions, graphName: string, what: string): Graph {
  const graph = new Graph(graphName);
  graph.opsets.set('', options.opsetVersion);
  const ctx = new LoweringContext(trace, graph, dialect, options);
  const input = trace.input as TracedValue;
  ctx.input(input, options.inputName);
  const outputNames = options.outputNames ?? (trace.outputs.length === 1 ? ['output'] : trace.outputs.map((_, i) => `output${i}`));
  if (outputNames.length !== trace.outputs.length) {
    throw new ValueError(`${what}: outputNames has ${outputNames.length} names but the module returns ${trace.outputs.length} outputs.`);
  }
  for (const name of outputNames) graph.uniqueName(name);

  const planned = planCalls(ctx);
  let next = 0;
  for (let i = 0; i < trace.records.length; i++) {
    const call = planned[next];
    if (call && i === call.call.start) {
      ctx.record = null;
      ctx.scopeOverride = call.call.scope;
      call.lowering.emit(ctx);
      ctx.scopeOverride = null;
      i = call.call.end - 1;
      next++;
      continue;
    }
    const record = trace.records[i];
    if (!record?.dynamic) continue;
    ctx.record = record;
    const lowering = kernelLowerings[record.kernelName] ?? ctx.fail(unsupportedKernelReason(record.kernelName));
    lowering(ctx, record);
  }
  ctx.record = null;
  trace.outputs.forEach((value, i) => ctx.output(value, outputNames[i] as string));
  return graph;
}
