#!/usr/bin/env node
/**
 * Brevitas's notebook "An Overview of Quantized Activations", run in Parvus from the notebook's
 * own seed: each cell's result is printed under its number, with a note on what it shows.
 * `pnpm --filter @parvus/tutorial start` (after building).
 */
import '@parvus/backend-reference';
import type { IntQuantTensor, Tensor } from '@parvus/core';
import { manualSeed, ready } from '@parvus/core';
import {
  allClose, channelsWithDifferentRanges, convOutputQuantThenRelu, convThenQuantRelu, disabledIdentity,
  disabledIdentityOnQuantTensor, disabledIdentityReturningQuantTensor, disabledReluKeepsMetadata, disabledSigmoidError,
  hardTanhMinMaxInit, hardTanhWithoutRange, inputOutputQuantVsIdentities, outputQuantVsIdentity, perChannelQuantRelu,
  perTensorQuantRelu, quantizeChannels, returnQuantIdentity, returnQuantRelu, shiftedThenDisabledRelu, trainVsEvalScales,
  twoInputs,
} from './notebook.js';

function cell(number: string, note: string): void {
  console.log(`\n[${number}] ${note}`);
}

function show(value: Tensor | IntQuantTensor | boolean | string): void {
  console.log(typeof value === 'object' ? value.toString() : String(value));
}

/** The notebook's `assert_with_message`: print the condition, fail loudly when it does not hold. */
function assertWithMessage(condition: boolean): void {
  console.log(condition ? 'True' : 'False');
  if (!condition) process.exitCode = 1;
}

async function main(): Promise<void> {
  await ready();
  console.log('An overview of quantized activations (Brevitas 0.12.1 notebook, in Parvus)');

  cell('2', 'An output quantizer on the conv gives the same numbers as a QuantIdentity after a plain quantized conv.');
  const c2 = outputQuantVsIdentity();
  assertWithMessage(c2.isclose);

  cell('3', 'Likewise for input quantization: QuantIdentity → conv → QuantIdentity equals input_quant + output_quant on the conv.');
  const c3 = inputOutputQuantVsIdentities();
  assertWithMessage(c3.isclose);
  const inp = c3.inp;

  cell('4', 'With its quantizer off, QuantIdentity returns its input unchanged.');
  assertWithMessage(disabledIdentity(inp).equal);

  cell('5', 'returnQuantTensor: true gives the dequantized values together with scale, zero point and bit width.');
  const outTensor = returnQuantIdentity(inp);
  show(outTensor);

  cell('6', 'Its values sit exactly on the integer grid of that scale.');
  assertWithMessage(outTensor.isValid);

  cell('7', 'A disabled QuantIdentity fed a QuantTensor returns a plain tensor: the values stay, the metadata goes.');
  show(disabledIdentityOnQuantTensor(outTensor));

  cell('8', 'Asked to return a QuantTensor, the same disabled layer passes the input through with its metadata.');
  show(disabledIdentityReturningQuantTensor(outTensor));

  cell('9', 'QuantReLU is a ReLU followed by an unsigned 8-bit quantizer: the whole grid covers non-negative values.');
  show(returnQuantRelu(inp));

  cell('10', 'ReLU does not move values off a grid that contains 0, so a disabled QuantReLU keeps the metadata.');
  const c10 = disabledReluKeepsMetadata(outTensor);
  assertWithMessage(c10.isValid);
  assertWithMessage(c10.scaleEqual);
  assertWithMessage(c10.zeroPointEqual);
  assertWithMessage(c10.bitWidthEqual);

  cell('11', 'A sigmoid does move values off the grid, so a disabled QuantSigmoid refuses to return a QuantTensor:');
  const c11 = disabledSigmoidError(outTensor);
  console.log(`${c11.brevitasType ?? c11.name}: ${c11.message}`);

  cell('12', 'Non-linearities see dequantized values: after a shifted unsigned quantizer (zero point ≠ 0), ReLU still zeroes the negatives.');
  show(shiftedThenDisabledRelu(inp).out);

  cell('13', 'Conv with signed 8-bit output quantization, then a float ReLU: the negative half of the grid is wasted.');
  const c13 = convOutputQuantThenRelu(inp);
  show(c13);

  cell('14', 'Conv, then QuantReLU: quantizing after the ReLU spends all 8 unsigned bits on the values that remain. Close, not equal.');
  const c14 = convThenQuantRelu(inp);
  show(c14);

  cell('15', 'Two small inputs, to watch the scale while statistics are collected (300 training steps by default in 0.12.1).');
  const { inp1, inp2 } = twoInputs();

  cell('16', 'In train mode each batch is scaled by its own statistic, so the two scales differ.');
  const c16 = trainVsEvalScales(inp1, inp2);
  assertWithMessage(!allClose(c16.out1Train.scale, c16.out2Train.scale));

  cell('17', 'In eval mode both use the running average of the statistics collected so far: the scales are equal.');
  assertWithMessage(allClose(c16.out1Eval.scale, c16.out2Eval.scale));

  cell('18', "QuantHardTanh's default quantizer starts its learned scale from maxVal and minVal; without them it cannot be built:");
  const c18 = hardTanhWithoutRange();
  console.log(`${c18.brevitasType ?? c18.name}: ${c18.message}`);

  cell('19, 20', 'Given the range, the scale is a learned parameter from the start: train and eval agree.');
  const c19 = hardTanhMinMaxInit(inp1, inp2);
  assertWithMessage(allClose(c19.out1Train.scale, c19.out2Eval.scale));

  cell('21', 'Three channels of uniform values, the first three times wider; a per-tensor QuantReLU fits its one scale to the widest.');
  const inp3 = channelsWithDifferentRanges();
  const perTensor = perTensorQuantRelu();
  show(quantizeChannels(perTensor, inp3).range);

  cell('22', 'Per-tensor statistics are taken over the whole tensor flattened (OverTensorView):');
  show(perTensor.toString());

  cell('23', 'Per-channel scaling permutes channels first and takes statistics per channel (OverOutputChannelView):');
  const perChannel = perChannelQuantRelu();
  show(perChannel.toString());

  cell('24', 'Now each channel gets a range that fits its own values: about 3, 1 and 1.');
  show(quantizeChannels(perChannel, inp3).range);
}

// The notebook starts from torch.manual_seed(0); Parvus's default generator reproduces torch's.
manualSeed(0);
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
