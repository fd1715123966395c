/** Layout kernels: Transpose, Concat, Slice, Pad (Reshape is a view; the context inserts it). */
import type { ConcatAttrs, PadAttrs, SliceAttrs, TransposeAttrs } from '@parvus/core';
import type { TracedValue } from '../../trace/trace.js';
import { ELEMENT_TYPE_OF } from '../context.js';
import { isBatched } from '../batch.js';
import type { KernelLowering } from './kernel-lowering.js';

const transpose: KernelLowering = (ctx, record) => {
  const { perm } = record.attrs as unknown as TransposeAttrs;
  const input = ctx.use(record.inputs[0] as TracedValue);
  if (input.batched && perm[0] !== 0) ctx.failBatch(`a transpose (perm [${perm.join(', ')}]) moves the batch axis`);
  ctx.define(record.outputs[0] as TracedValue, ctx.node('Transpose', [input.name], { perm: [...perm] }), { batched: input.batched });
};

const concat: KernelLowering = (ctx, record) => {
  const { axis } = record.attrs as unknown as ConcatAttrs;
  const out = record.outputs[0] as TracedValue;
  const batched = record.inputs.some((input) => isBatched(ctx, input));
  if (batched && axis === 0) ctx.failBatch('a concatenation runs along the batch axis');
  if (batched) {
    for (const input of record.inputs) {
      if (!isBatched(ctx, input)) ctx.failBatch(`a concatenated operand of shape [${input.shape.join(', ')}] does not follow the batch`);
    }
  }
  ctx.define(out, ctx.node('Concat', record.inputs.map((input) => ctx.operand(input)), { axis }), { batched });
};

const slice: KernelLowering = (ctx, record) => {
  const { begin, size } = record.attrs as unknown as SliceAttrs;
  const x = record.inputs[0] as TracedValue;
  const input = ctx.use(x);
  // Only the axes that are cut; a full axis 0 stays symbolic.
  const axes = begin.map((_, axis) => axis).filter((axis) => begin[axis] !== 0 || size[axis] !== x.shape[axis]);
  if (input.batched && axes.includes(0)) ctx.failBatch('a slice cuts the batch axis');
  const out = record.outputs[0] as TracedValue;
  if (axes.length === 0) {
    ctx.define(out, input.name, { batched: input.batched });
    return;
  }
  const starts = axes.map((axis) => begin[axis] as number);
  const ends = axes.map((axis) => (begin[axis] as number) + (size[axis] as number));
  const name = ctx.node('Slice', [input.name, ctx.int64s('starts', starts), ctx.int64s('ends', ends), ctx.int64s('axes', axes)]);
  ctx.define(out, name, { batched: input.batched });
};

const pad: KernelLowering = (ctx, record) => {
  const { paddings, constantValue } = record.attrs as unknown as PadAttrs;
  const x = record.inputs[0] as TracedValue;
  const input = ctx.use(x);
  const [before0, after0] = paddings[0] ?? [0, 0];
  if (input.batched && (before0 !== 0 || after0 !== 0)) ctx.failBatch('a pad extends the batch axis');
  const pads = [...paddings.map(([before]) => before), ...paddings.map(([, after]) => after)];
  const value = ctx.scalar('pad_value', ELEMENT_TYPE_OF[x.dtype], constantValue);
  const name = ctx.node('Pad', [input.name, ctx.int64s('pads', pads), value], { mode: 'constant' });
  ctx.define(record.outputs[0] as TracedValue, name, { batched: input.batched });
};

export const layoutLowerings: Record<string, KernelLowering> = {
  Transpose: transpose,
  Concat: concat,
  Slice: slice,
  Pad: pad,
};
