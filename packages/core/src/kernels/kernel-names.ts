/**
 * The kernel contract: every kernel a backend may implement, with its typed inputs and attributes.
 *
 * Backends import these names; they never invent their own. The contract is deliberately small
 * (forward-only primitives); everything else (softmax, losses, 1-D and transposed convolutions,
 * adaptive pooling, upsampling) is composed in core from these. Layout is NCHW throughout.
 *
 * Inputs are positional (a tuple per kernel) so that variadic kernels such as Concat fit the same
 * shape as the rest. Attributes are plain JSON-like objects, so that a kernel call can be cached by
 * signature (the onnxruntime backend) or recorded (the ONNX exporter).
 */
import type { DType, TensorInfo } from './tensor-info.js';

// ---------------------------------------------------------------------------------------------
// Elementwise unary: inputs [x], no attributes. Output has x's shape and dtype.
// ---------------------------------------------------------------------------------------------
export const Neg = 'Neg';
export const Abs = 'Abs';
/** sign(x) ∈ {-1, 0, 1}, computed as (0 < x) − (x < 0) like torch.sign: ±0 and NaN give +0. */
export const Sign = 'Sign';
/**
 * Exp, Sigmoid and Tanh may differ from the correctly rounded result by a few ulps (the suite's
 * tolerance). Brevitas's fixtures compare layers built on them bit for bit, which holds only for a
 * backend that reproduces torch's CPU results: SLEEF's expf_u10 (torch.exp everywhere, and
 * torch.sigmoid as 1 / (1 + exp(−x)) in float32 on blocks of 16, libm's expf on the n mod 16 tail).
 * The reference backend does; one that does not lists those fixture cases as skips.
 */
export const Exp = 'Exp';
export const Log = 'Log';
/** log2 is its own kernel because log(x)/ln2 is not exact at powers of two (power-of-two scaling). */
export const Log2 = 'Log2';
export const Sqrt = 'Sqrt';
export const Sigmoid = 'Sigmoid';
export const Tanh = 'Tanh';
export const Relu = 'Relu';
export const Floor = 'Floor';
export const Ceil = 'Ceil';
/** Round half to even, as torch.round. */
export const Round = 'Round';
export const Trunc = 'Trunc';

export type UnaryInputs = [x: TensorInfo];
export const UNARY_KERNELS = [
  Neg, Abs, Sign, Exp, Log, Log2, Sqrt, Sigmoid, Tanh, Relu, Floor, Ceil, Round, Trunc,
] as const;
export type UnaryKernelName = (typeof UNARY_KERNELS)[number];

// ---------------------------------------------------------------------------------------------
// Elementwise binary with NumPy broadcasting: inputs [a, b] of the same dtype (core promotes
// before dispatch). Arithmetic keeps the dtype; comparisons return bool.
// ---------------------------------------------------------------------------------------------
export const Add = 'Add';
export const Sub = 'Sub';
export const Mul = 'Mul';
/** True division; core only dispatches it on float32. */
export const Div = 'Div';
export const Pow = 'Pow';
/** NaN-propagating, as torch.maximum. */
export const Maximum = 'Maximum';
/** NaN-propagating, as torch.minimum. */
export const Minimum = 'Minimum';
export const Equal = 'Equal';
export const NotEqual = 'NotEqual';
export const Less = 'Less';
export const LessEqual = 'LessEqual';
export const Greater = 'Greater';
export const GreaterEqual = 'GreaterEqual';

export type BinaryInputs = [a: TensorInfo, b: TensorInfo];
export const ARITHMETIC_KERNELS = [Add, Sub, Mul, Div, Pow, Maximum, Minimum] as const;
export const COMPARISON_KERNELS = [Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual] as const;
export type ArithmeticKernelName = (typeof ARITHMETIC_KERNELS)[number];
export type ComparisonKernelName = (typeof COMPARISON_KERNELS)[number];
export type BinaryKernelName = ArithmeticKernelName | ComparisonKernelName;

// ---------------------------------------------------------------------------------------------
// Selection, clipping, casting
// ---------------------------------------------------------------------------------------------
/** where(condition, a, b), all three broadcast together; condition is bool, a and b share a dtype. */
export const Where = 'Where';
export type WhereInputs = [condition: TensorInfo, a: TensorInfo, b: TensorInfo];

/** clamp(x, min, max) with scalar bounds; NaN stays NaN (as torch.clamp). */
export const Clip = 'Clip';
export type ClipInputs = [x: TensorInfo];
export interface ClipAttrs { min: number; max: number }

export const Cast = 'Cast';
export type CastInputs = [x: TensorInfo];
export interface CastAttrs { dtype: DType }

// ---------------------------------------------------------------------------------------------
// Reductions over axes (sorted, non-negative, possibly empty = identity). Sum over bool or int32
// gives int32; Max/Min keep the dtype and propagate NaN.
// ---------------------------------------------------------------------------------------------
export const Sum = 'Sum';
export const Max = 'Max';
export const Min = 'Min';
export type ReduceInputs = [x: TensorInfo];
export interface ReduceAttrs { axes: number[]; keepDims: boolean }

/** Index (int32) of the first maximum along one axis; NaN counts as the maximum (as torch.argmax). */
export const ArgMax = 'ArgMax';
export type ArgMaxInputs = [x: TensorInfo];
export interface ArgMaxAttrs { axis: number; keepDims: boolean }

/**
 * The k-th smallest value along one axis (1-indexed k, as torch.kthvalue), and its index (int32).
 * NaN sorts above every number. Outputs: [values, indices]. With ties the index is the one torch's
 * CPU quickselect lands on (median-of-three pivot, Hoare partition; see kernels/kth-value-select.ts,
 * which backends call): gradients flow to that element, so Brevitas's percentile statistics depend on it.
 */
export const KthValue = 'KthValue';
export type KthValueInputs = [x: TensorInfo];
export interface KthValueAttrs { k: number; axis: number; keepDims: boolean }

// ---------------------------------------------------------------------------------------------
// Layout. Reshape is handled by the engine (it shares storage); these move data.
// ---------------------------------------------------------------------------------------------
export const Transpose = 'Transpose';
export type TransposeInputs = [x: TensorInfo];
export interface TransposeAttrs { perm: number[] }

/** Concatenate any number (≥ 1) of same-dtype tensors along one axis. */
export const Concat = 'Concat';
export type ConcatInputs = TensorInfo[];
export interface ConcatAttrs { axis: number }

/** A contiguous box: begin[i] ≤ index < begin[i] + size[i] on every axis. */
export const Slice = 'Slice';
export type SliceInputs = [x: TensorInfo];
export interface SliceAttrs { begin: number[]; size: number[] }

/** Constant padding: paddings[i] = [before, after] for axis i (non-negative). */
export const Pad = 'Pad';
export type PadInputs = [x: TensorInfo];
export interface PadAttrs { paddings: Array<[number, number]>; constantValue: number }

// ---------------------------------------------------------------------------------------------
// Linear algebra and convolution (float32)
// ---------------------------------------------------------------------------------------------
/**
 * Batched matrix product of rank-≥2 tensors: [..., m, k] × [..., k, n] → [..., m, n] with the
 * batch dimensions broadcast. transposeA / transposeB transpose the last two dimensions first.
 */
export const MatMul = 'MatMul';
export type MatMulInputs = [a: TensorInfo, b: TensorInfo];
export interface MatMulAttrs { transposeA: boolean; transposeB: boolean }

/** Shared geometry of the 2-D convolution kernels. pads = [top, bottom, left, right]. */
export interface Conv2DGeometry {
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
  groups: number;
}

/** x [N, C, H, W] ⋆ w [O, C/groups, kh, kw] → [N, O, Ho, Wo]. Bias is added in core. */
export const Conv2D = 'Conv2D';
export type Conv2DInputs = [x: TensorInfo, w: TensorInfo];
export type Conv2DAttrs = Conv2DGeometry;

/** Gradient of Conv2D with respect to x; also the forward of a transposed convolution. */
export const Conv2DBackpropInput = 'Conv2DBackpropInput';
export type Conv2DBackpropInputInputs = [dy: TensorInfo, w: TensorInfo];
export interface Conv2DBackpropInputAttrs extends Conv2DGeometry { inputShape: [number, number, number, number] }

/** Gradient of Conv2D with respect to w. */
export const Conv2DBackpropFilter = 'Conv2DBackpropFilter';
export type Conv2DBackpropFilterInputs = [x: TensorInfo, dy: TensorInfo];
export interface Conv2DBackpropFilterAttrs extends Conv2DGeometry { filterShape: [number, number, number, number] }

/** Shared geometry of the 2-D pooling kernels (PyTorch semantics, pads = [top, bottom, left, right]). */
export interface Pool2DGeometry {
  kernelSize: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  ceilMode: boolean;
}

export const MaxPool2D = 'MaxPool2D';
export type MaxPool2DInputs = [x: TensorInfo];
export interface MaxPool2DAttrs extends Pool2DGeometry { dilations: [number, number] }

/** Routes dy to the (first) maximum of each window of x. */
export const MaxPool2DGrad = 'MaxPool2DGrad';
export type MaxPool2DGradInputs = [dy: TensorInfo, x: TensorInfo];
export type MaxPool2DGradAttrs = MaxPool2DAttrs;

export const AvgPool2D = 'AvgPool2D';
export type AvgPool2DInputs = [x: TensorInfo];
export interface AvgPool2DAttrs extends Pool2DGeometry { countIncludePad: boolean; divisorOverride: number | null }

export const AvgPool2DGrad = 'AvgPool2DGrad';
export type AvgPool2DGradInputs = [dy: TensorInfo];
export interface AvgPool2DGradAttrs extends AvgPool2DAttrs { inputShape: [number, number, number, number] }

// ---------------------------------------------------------------------------------------------
// Fused kernels: optional for a backend; core has a composite fallback built from the above.
// ---------------------------------------------------------------------------------------------
/**
 * y = (clamp(round(x / scale + zeroPoint), quantMin, quantMax) − zeroPoint) · scale, in float32,
 * rounding half to even, scale and zeroPoint broadcast against x. Bit-identical to the composite,
 * the sign of zero included (x ∈ [−scale/2, 0) with a zero zero-point gives −0, as in Brevitas).
 */
export const FakeQuantize = 'FakeQuantize';
export type FakeQuantizeInputs = [x: TensorInfo, scale: TensorInfo, zeroPoint: TensorInfo];
export interface FakeQuantizeAttrs { quantMin: number; quantMax: number }

/**
 * The elementwise parts of fake quantization's gradient (Brevitas's rule), outputs [dx, dScale,
 * dZeroPoint], each of dy's shape (the caller sums them over broadcast axes). With r = round(x/s
 * + zp), c = clamp(r) and m = 1 where quantMin ≤ r ≤ quantMax (everywhere with a straight-through
 * clamp), else 0, in float32 and in this order:
 *   dx = dy·m,   dScale = dy·((c − zp) − m·(x/s)),   dZeroPoint = (dy·s)·(m − 1)
 * and dZeroPoint is +0 everywhere with a straight-through clamp. Bit-identical to the composite.
 */
export const FakeQuantizeGrad = 'FakeQuantizeGrad';
export type FakeQuantizeGradInputs = [dy: TensorInfo, x: TensorInfo, scale: TensorInfo, zeroPoint: TensorInfo];
export interface FakeQuantizeGradAttrs { quantMin: number; quantMax: number; straightThroughClamp: boolean }

/** Kernels with a composite in core: a backend may skip them. */
export const OPTIONAL_KERNELS: readonly string[] = [FakeQuantize, FakeQuantizeGrad];

/** Every kernel of the contract, for conformance and for backends that check their coverage. */
export const ALL_KERNELS: readonly string[] = [
  ...UNARY_KERNELS,
  ...ARITHMETIC_KERNELS,
  ...COMPARISON_KERNELS,
  Where, Clip, Cast,
  Sum, Max, Min, ArgMax, KthValue,
  Transpose, Concat, Slice, Pad,
  MatMul, Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter,
  MaxPool2D, MaxPool2DGrad, AvgPool2D, AvgPool2DGrad,
  FakeQuantize, FakeQuantizeGrad,
];

/** Attribute types by kernel name, so callers of `runKernel` are checked at compile time. */
export interface KernelAttrsMap {
  Clip: ClipAttrs;
  Cast: CastAttrs;
  Sum: ReduceAttrs;
  Max: ReduceAttrs;
  Min: ReduceAttrs;
  ArgMax: ArgMaxAttrs;
  KthValue: KthValueAttrs;
  Transpose: TransposeAttrs;
  Concat: ConcatAttrs;
  Slice: SliceAttrs;
  Pad: PadAttrs;
  MatMul: MatMulAttrs;
  Conv2D: Conv2DAttrs;
  Conv2DBackpropInput: Conv2DBackpropInputAttrs;
  Conv2DBackpropFilter: Conv2DBackpropFilterAttrs;
  MaxPool2D: MaxPool2DAttrs;
  MaxPool2DGrad: MaxPool2DGradAttrs;
  AvgPool2D: AvgPool2DAttrs;
  AvgPool2DGrad: AvgPool2DGradAttrs;
  FakeQuantize: FakeQuantizeAttrs;
  FakeQuantizeGrad: FakeQuantizeGradAttrs;
}

/** The attributes of a kernel: its declared type, or no attributes. */
export type AttrsOf<K extends string> = K extends keyof KernelAttrsMap ? KernelAttrsMap[K] : Record<string, never>;
