/** FakeQuantize on the data path: the dialect writes it (QuantizeLinear → Clip → DequantizeLinear, or Quant). */
import type { FakeQuantizeAttrs } from '@parvus/core';
import type { TracedValue } from '../../trace/trace.js';
import type { KernelLowering } from './kernel-lowering.js';

const fakeQuantize: KernelLowering = (ctx, record) => {
  const [x, scale, zeroPoint] = record.inputs as [TracedValue, TracedValue, TracedValue];
  const { quantMin, quantMax } = record.attrs as unknown as FakeQuantizeAttrs;
  if (!ctx.isDynamic(x) || ctx.isDynamic(scale) || ctx.isDynamic(zeroPoint)) {
    ctx.fail('a quantizer\'s scale or zero point depends on the input (statistics taken at run time); in eval mode they must be constants');
  }
  const input = ctx.use(x);
  for (const parameter of [scale, zeroPoint]) {
    if (input.batched && parameter.shape.length === x.shape.length && parameter.shape[0] !== 1) {
      ctx.failBatch(`a quantizer parameter of shape [${parameter.shape.join(', ')}] spans the batch axis`);
    }
  }
  const name = ctx.dialect.quantize(ctx, input, ctx.constantData(scale), ctx.constantData(zeroPoint), quantMin, quantMax);
  ctx.define(record.outputs[0] as TracedValue, name, { batched: input.batched });
};

export const quantizeLowerings: Record<string, KernelLowering> = {
  FakeQuantize: fakeQuantize,
};
