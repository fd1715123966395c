/**
 * The cells of Brevitas's notebook "An Overview of Quantized Activations", in Parvus. Each cell
 * is a function that builds the notebook's layers and returns what the cell shows; the random
 * inputs are drawn as the notebook draws them (from torch.manual_seed(0), reproduced by core's
 * generator) unless the caller passes stored ones, which is how the test runs them on the
 * oracle's exact tensors.
 */
import type { Module, QuantWBIOLOptions, Tensor } from '@parvus/core';
import {
  Int8ActPerTensorFloat, IntQuantTensor, ParvusError, QuantConv2d, QuantHardTanh, QuantIdentity, QuantReLU, QuantSigmoid, ShiftedUint8ActPerTensorFloat,
  manualSeed, mul, noGrad, rand, randn, relu, tensor, tidy,
} from '@parvus/core';

/** A conv's weight and bias (the notebook gets them from the seeded default init). */
export interface ConvParams {
  readonly weight: Tensor;
  readonly bias: Tensor;
}

/** The notebook's `in_channels=2, out_channels=3, kernel_size=(3,3)`. */
const CONV = { inChannels: 2, outChannels: 3, kernelSize: [3, 3] } as const;

/**
 * `torch.manual_seed(0); QuantConv2d(2, 3, (3, 3), **options)`: the seed makes every conv of a
 * cell start from the same weights. With stored `params`, those replace the initial ones.
 */
function seededQuantConv(options: QuantWBIOLOptions, params?: ConvParams): Module {
  manualSeed(0);
  const conv = new QuantConv2d({ ...CONV, ...options });
  if (params) {
    noGrad(() => {
      conv.getParameter('weight').assign(params.weight);
      conv.getParameter('bias').assign(params.bias);
    });
  }
  return conv;
}

/** Apply a layer and keep the result (the layer's temporaries are freed). */
function apply(layer: Module, x: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
  return tidy(() => layer.forward(x) as Tensor | IntQuantTensor);
}

function valueOf(x: Tensor | IntQuantTensor): Tensor {
  return x instanceof IntQuantTensor ? x.value : x;
}

/** torch.isclose(a, b).all() with its default tolerances (rtol 1e-5, atol 1e-8). */
export function allClose(a: Tensor, b: Tensor): boolean {
  const x = a.dataSync();
  const y = b.dataSync();
  return x.length === y.length && Array.from(x).every((v, i) => Math.abs(v - (y[i] as number)) <= 1e-8 + 1e-5 * Math.abs(y[i] as number));
}

function sameValues(a: Tensor, b: Tensor): boolean {
  const x = a.dataSync();
  const y = b.dataSync();
  return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
}

export interface ConvComparison {
  readonly inp: Tensor;
  readonly out1: Tensor;
  readonly out2: Tensor;
  readonly isclose: boolean;
}

/** [2] `QuantConv2d(..., output_quant=Int8ActPerTensorFloat)` against `QuantIdentity()(QuantConv2d(...)(inp))`. */
export function outputQuantVsIdentity(stored?: { inp: Tensor; conv: ConvParams }): ConvComparison {
  const outputQuantConv = seededQuantConv({ outputQuant: Int8ActPerTensorFloat }, stored?.conv);
  const defaultQuantConv = seededQuantConv({}, stored?.conv);
  const outputIdentityQuant = new QuantIdentity();
  const inp = stored?.inp ?? randn([1, 2, 5, 5]);
  const out1 = valueOf(apply(outputQuantConv, inp));
  const out2 = valueOf(apply(outputIdentityQuant, apply(defaultQuantConv, inp)));
  return { inp, out1, out2, isclose: allClose(out1, out2) };
}

/** [3] Input and output quantization on the conv against QuantIdentity → conv → QuantIdentity. */
export function inputOutputQuantVsIdentities(stored?: { inp: Tensor; conv: ConvParams }): ConvComparison {
  const inputOutputQuantConv = seededQuantConv({ inputQuant: Int8ActPerTensorFloat, outputQuant: Int8ActPerTensorFloat }, stored?.conv);
  const defaultQuantConv = seededQuantConv({}, stored?.conv);
  const inputIdentityQuant = new QuantIdentity();
  const outputIdentityQuant = new QuantIdentity();
  const inp = stored?.inp ?? randn([1, 2, 5, 5]);
  const out1 = valueOf(apply(inputOutputQuantConv, inp));
  const out2 = valueOf(apply(outputIdentityQuant, apply(defaultQuantConv, apply(inputIdentityQuant, inp))));
  return { inp, out1, out2, isclose: allClose(out1, out2) };
}

/** [4] With `actQuant: null`, QuantIdentity is the identity. */
export function disabledIdentity(inp: Tensor): { out: Tensor; equal: boolean } {
  const out = apply(new QuantIdentity({ actQuant: null }), inp) as Tensor;
  return { out, equal: sameValues(out, inp) };
}

/** [5], [6] `returnQuantTensor: true` returns the integer view alongside the values. */
export function returnQuantIdentity(inp: Tensor): IntQuantTensor {
  return apply(new QuantIdentity({ returnQuantTensor: true }), inp) as IntQuantTensor;
}

/** [7] A disabled QuantIdentity hands back a plain tensor: the metadata is dropped. */
export function disabledIdentityOnQuantTensor(outTensor: IntQuantTensor): Tensor {
  return apply(new QuantIdentity({ actQuant: null }), outTensor) as Tensor;
}

/** [8] ... unless it is asked to return a QuantTensor: then the input passes through whole. */
export function disabledIdentityReturningQuantTensor(outTensor: IntQuantTensor): IntQuantTensor {
  return apply(new QuantIdentity({ actQuant: null, returnQuantTensor: true }), outTensor) as IntQuantTensor;
}

/** [9] QuantReLU: a ReLU, then unsigned 8-bit quantization (Uint8ActPerTensorFloat). */
export function returnQuantRelu(inp: Tensor): IntQuantTensor {
  return apply(new QuantReLU({ returnQuantTensor: true }), inp) as IntQuantTensor;
}

export interface MetadataCheck {
  readonly out: IntQuantTensor;
  readonly isValid: boolean;
  readonly scaleEqual: boolean;
  readonly zeroPointEqual: boolean;
  readonly bitWidthEqual: boolean;
}

/** [10] A disabled QuantReLU keeps the input's scale, zero point and bit width. */
export function disabledReluKeepsMetadata(outTensor: IntQuantTensor): MetadataCheck {
  const out = apply(new QuantReLU({ actQuant: null, returnQuantTensor: true }), outTensor) as IntQuantTensor;
  return {
    out,
    isValid: out.isValid,
    scaleEqual: sameValues(out.scale, outTensor.scale),
    zeroPointEqual: sameValues(out.zeroPoint, outTensor.zeroPoint),
    bitWidthEqual: sameValues(out.bitWidth, outTensor.bitWidth),
  };
}

/** [11] A sigmoid changes the grid, so a disabled QuantSigmoid cannot promise a QuantTensor: it throws. */
export function disabledSigmoidError(outTensor: IntQuantTensor): ParvusError {
  const layer = new QuantSigmoid({ actQuant: null, returnQuantTensor: true });
  try {
    apply(layer, outTensor);
  } catch (error) {
    if (ParvusError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('QuantSigmoid(actQuant: null, returnQuantTensor: true) accepted a QuantTensor');
}

/** [12] The ReLU acts on dequantized values, so it clips the negatives of an unsigned shifted tensor. */
export function shiftedThenDisabledRelu(inp: Tensor): { shifted: IntQuantTensor; out: IntQuantTensor } {
  const shiftedQuantIdentity = new QuantIdentity({ actQuant: ShiftedUint8ActPerTensorFloat, returnQuantTensor: true });
  const returnDisabledQuantRelu = new QuantReLU({ actQuant: null, returnQuantTensor: true });
  const shifted = apply(shiftedQuantIdentity, inp) as IntQuantTensor;
  return { shifted, out: apply(returnDisabledQuantRelu, shifted) as IntQuantTensor };
}

/** [13] Signed 8-bit output quantization, then a float ReLU: half of the grid goes unused. */
export function convOutputQuantThenRelu(inp: Tensor, conv?: ConvParams): Tensor {
  const outputQuantConv = seededQuantConv({ outputQuant: Int8ActPerTensorFloat }, conv);
  return tidy(() => relu(valueOf(outputQuantConv.forward(inp) as Tensor | IntQuantTensor)));
}

/** [14] A default conv, then QuantReLU: unsigned 8 bits spent on the non-negative range only. */
export function convThenQuantRelu(inp: Tensor, conv?: ConvParams): Tensor {
  const defaultQuantConv = seededQuantConv({}, conv);
  const defaultQuantRelu = new QuantReLU();
  return valueOf(apply(defaultQuantRelu, apply(defaultQuantConv, inp)));
}

/** [15] Two small random inputs. */
export function twoInputs(): { inp1: Tensor; inp2: Tensor } {
  return { inp1: randn([3, 3]), inp2: randn([3, 3]) };
}

export interface TrainVsEval {
  readonly out1Train: IntQuantTensor;
  readonly out2Train: IntQuantTensor;
  readonly out1Eval: IntQuantTensor;
  readonly out2Eval: IntQuantTensor;
}

/**
 * [16], [17] While statistics are being collected, train mode scales each batch by its own
 * statistic; eval mode uses the running average, so both inputs get the same scale.
 */
export function trainVsEvalScales(inp1: Tensor, inp2: Tensor): TrainVsEval {
  const quantIdentity = new QuantIdentity({ returnQuantTensor: true });
  const out1Train = apply(quantIdentity, inp1) as IntQuantTensor;
  const out2Train = apply(quantIdentity, inp2) as IntQuantTensor;
  quantIdentity.eval();
  const out1Eval = apply(quantIdentity, inp1) as IntQuantTensor;
  const out2Eval = apply(quantIdentity, inp2) as IntQuantTensor;
  return { out1Train, out2Train, out1Eval, out2Eval };
}

/** [18] QuantHardTanh's quantizer starts from maxVal and minVal, so it cannot be built without them. */
export function hardTanhWithoutRange(): ParvusError {
  try {
    new QuantHardTanh();
  } catch (error) {
    if (ParvusError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('QuantHardTanh() was built without maxVal');
}

/** [19], [20] With the range given, the scale is learned from the start: the same in train and eval. */
export function hardTanhMinMaxInit(inp1: Tensor, inp2: Tensor): { out1Train: IntQuantTensor; out2Eval: IntQuantTensor } {
  const quantHardTanh = new QuantHardTanh({ maxVal: 1.0, minVal: -1.0, returnQuantTensor: true });
  const out1Train = apply(quantHardTanh, inp1) as IntQuantTensor;
  quantHardTanh.eval();
  const out2Eval = apply(quantHardTanh, inp2) as IntQuantTensor;
  return { out1Train, out2Eval };
}

/** [21] Uniform [0, 1) values in 3 channels, the first stretched to [0, 3). */
export function channelsWithDifferentRanges(): Tensor {
  const uniform = rand([1, 3, 256, 256]);
  const inp3 = mul(uniform, tensor([3, 1, 1]).reshape([1, 3, 1, 1]));
  uniform.dispose();
  return inp3;
}

/** The per-tensor QuantReLU of [21] and [22]. */
export function perTensorQuantRelu(): QuantReLU {
  return new QuantReLU({ returnQuantTensor: true });
}

/** The per-channel QuantReLU of [23]: one scale per channel of a (N, 3, H, W) input. */
export function perChannelQuantRelu(): QuantReLU {
  return new QuantReLU({
    returnQuantTensor: true,
    scalingPerOutputChannel: true,
    perChannelBroadcastableShape: [1, 3, 1, 1],
    scalingStatsPermuteDims: [1, 0, 2, 3],
  });
}

/** `out.scale * ((2**8) - 1)`: the largest value an unsigned 8-bit grid reaches. */
export function fullRange(out: IntQuantTensor): Tensor {
  return mul(out.scale, 2 ** 8 - 1);
}

/** [21], [24] Quantize inp3 with a layer; its full range per tensor or per channel. */
export function quantizeChannels(layer: QuantReLU, inp3: Tensor): { out: IntQuantTensor; range: Tensor } {
  const out = apply(layer, inp3) as IntQuantTensor;
  return { out, range: fullRange(out) };
}
