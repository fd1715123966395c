/** The batch axis: which outputs keep a symbolic first dimension, and which operands would fix it. */
import type { TracedValue } from '../trace/trace.js';
import type { LoweringContext } from './context.js';

/** Whether a dynamic operand carries the batch on its first axis. */
export function isBatched(ctx: LoweringContext, value: TracedValue): boolean {
  return ctx.isDynamic(value) && ctx.use(value).batched;
}

/**
 * Broadcasting ops: the output keeps the batch when an operand of the output's rank does; every
 * other operand of that rank must then have 1 on the batch axis (else its size would be baked in).
 */
export function broadcastBatched(ctx: LoweringContext, inputs: readonly TracedValue[], output: TracedValue): boolean {
  const rank = output.shape.length;
  const sameRank = inputs.filter((input) => input.shape.length === rank && rank > 0);
  const batched = sameRank.some((input) => isBatched(ctx, input));
  if (batched) {
    for (const input of sameRank) {
      if (!isBatched(ctx, input) && input.shape[0] !== 1) {
        ctx.failBatch(`an operand of shape [${input.shape.join(', ')}] spans the batch axis`);
      }
    }
  }
  return batched;
}
