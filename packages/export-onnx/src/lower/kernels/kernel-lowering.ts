import type { KernelRecord } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';

/** Writes the graph nodes of one dynamic kernel call and defines its outputs. */
export type KernelLowering = (ctx: LoweringContext, record: KernelRecord) => void;
