/**
 * exp as PyTorch 1.13 computes it on an AVX2 CPU, as an ONNX graph: SLEEF's expf_u10 (the
 * reference backend's torch-exp.ts, step for step). Its fused multiply-adds are evaluated in
 * float64, where a·b of float32 operands is exact, and rounded once to float32; that differs
 * from a true fma only when the float64 sum lands exactly between two floats (about 2^-29 of
 * cases), which the reference backend corrects and this graph does not.
 */
import type { OnnxGraph } from '../graph/onnx-graph.js';
import { DOUBLE, FLOAT } from './kernel-helpers.js';

const f = Math.fround;
const LOG2E = f(Math.LOG2E);
const LN2_HI = f(0.693145751953125);
const LN2_LO = f(1.428606765330187045e-6);
const C5 = f(0.000198527617612853646278381);
const C4 = f(0.00139304355252534151077271);
const C3 = f(0.00833336077630519866943359);
const C2 = f(0.0416664853692054748535156);
const C1 = f(0.166666671633720397949219);

/** fma(a, b, c) of float32 values: a and b given as float64 values, c as float32 or float64. */
function fma(graph: OnnxGraph, a64: string, b64: string, c: string, cIs64 = false): string {
  const c64 = cIs64 ? c : graph.op('Cast', [c], { to: DOUBLE });
  return graph.op('Cast', [graph.op('Add', [graph.op('Mul', [a64, b64]), c64])], { to: FLOAT });
}

/** SLEEF's xexpf of a float32 value (NaN → NaN, below −104 → 0, above 100 → +Inf). */
export function sleefExp(graph: OnnxGraph, d: string): string {
  const c64 = (v: number): string => graph.scalar('float64', v);
  const to64 = (v: string): string => graph.op('Cast', [v], { to: DOUBLE });
  const q = graph.op('Round', [graph.op('Mul', [d, graph.scalar('float32', LOG2E)])]);
  const q64 = to64(q);
  let s = fma(graph, q64, c64(-LN2_HI), d);
  s = fma(graph, q64, c64(-LN2_LO), s);
  const s64 = to64(s);
  let u = fma(graph, c64(C5), s64, c64(C4), true);
  for (const c of [C3, C2, C1, 0.5]) u = fma(graph, to64(u), s64, c64(c), true);
  const square = graph.op('Mul', [s, s]);
  u = graph.op('Add', [graph.scalar('float32', 1), fma(graph, to64(square), to64(u), s)]);
  // ldexp2kf: two exact power-of-two steps, so that subnormal results round as SLEEF's do.
  const two = graph.scalar('float32', 2);
  const half = graph.op('Floor', [graph.op('Mul', [q, graph.scalar('float32', 0.5)])]);
  u = graph.op('Mul', [graph.op('Mul', [u, graph.op('Pow', [two, half])]), graph.op('Pow', [two, graph.op('Sub', [q, half])])]);
  const tiny = graph.op('Less', [d, graph.scalar('float32', -104)]);
  const huge = graph.op('Greater', [d, graph.scalar('float32', 100)]);
  return graph.op('Where', [tiny, graph.scalar('float32', 0), graph.op('Where', [huge, graph.scalar('float32', Infinity), u])]);
}
