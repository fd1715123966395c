/**
 * Re-indexing one axis (torch's index_select) with slices of x, for interpolate, whose index lists
 * are known on the host. Each slice's gradient is a padded copy added into x's gradient in turn,
 * so how the indices are cut into slices decides the order of those float32 additions, and where
 * a −0 survives them; the cutting here is chosen so that both stay those of the plain cutting.
 */
import type { Tensor } from '../engine/tensor.js';
import { concat, narrow, reshape } from './shape.js';

/**
 * A cut of the output positions, in order. A run copies consecutive input indices (one slice). A
 * periodic piece covers `blocks` blocks of `period` positions whose indices advance by `step` from
 * one block to the next: each phase (position within the block) is a strided run of x, one slice
 * (and a second one when step > 1), and one concat and a reshape interleave the phases.
 */
type Piece =
  | { kind: 'run'; from: number; length: number }
  | { kind: 'periodic'; from: number; period: number; blocks: number; step: number };

/** Periods tried; a period costs about one kernel per phase. */
const MAX_PERIOD = 64;

/** Runs of consecutive indices in indices[lo, hi). */
function runs(indices: readonly number[], lo: number, hi: number): Piece[] {
  const pieces: Piece[] = [];
  let start = lo;
  while (start < hi) {
    let end = start + 1;
    while (end < hi && indices[end] === (indices[end - 1] as number) + 1) end++;
    pieces.push({ kind: 'run', from: start, length: end - start });
    start = end;
  }
  return pieces;
}

/**
 * Whether every input index that occurs in several blocks of a periodic piece meets them in
 * increasing phases. The backward pass adds the slices' gradients into x last slice first, the
 * phases last phase first; an index that occurs at outputs d1 < d2 must therefore sit in phases
 * r1 < r2 to be summed in the runs' order. With the first block's offsets o, that fails exactly
 * when o[r] − o[q] = k·step for some phases r > q and 1 ≤ k < blocks.
 */
function phasesInOrder(indices: readonly number[], from: number, period: number, blocks: number, step: number): boolean {
  for (let r = 1; r < period; r++) {
    for (let q = 0; q < r; q++) {
      const gap = (indices[from + r] as number) - (indices[from + q] as number);
      if (gap > 0 && gap % step === 0 && gap / step < blocks) return false;
    }
  }
  return true;
}

/**
 * The periodic piece of indices[lo, hi) that saves the most kernels over runs, or null. For each
 * period it takes the longest stretch where indices[d + period] − indices[d] is one step ≥ 1, and
 * the alignment of blocks in it that keeps the gradient's order (see phasesInOrder).
 * `runStarts[d]` counts the runs that start before d.
 */
function periodicPiece(indices: readonly number[], lo: number, hi: number, inSize: number, runStarts: Int32Array): Piece | null {
  const runsIn = (a: number, b: number): number => (runStarts[b] as number) - (runStarts[a] as number) + (a > 0 && indices[a] === (indices[a - 1] as number) + 1 ? 1 : 0);
  let best: { piece: Piece; saving: number } | null = null;
  for (let period = 1; period <= MAX_PERIOD && 2 * period <= hi - lo; period++) {
    let stretchStart = lo;
    let stretchEnd = lo;
    for (let d = lo; d + period < hi;) {
      const step = (indices[d + period] as number) - (indices[d] as number);
      let end = d + 1;
      while (end + period < hi && (indices[end + period] as number) - (indices[end] as number) === step) end++;
      if (step >= 1 && end - d > stretchEnd - stretchStart) {
        stretchStart = d;
        stretchEnd = end;
      }
      d = end;
    }
    if (stretchEnd - stretchStart < period) continue;
    const step = (indices[stretchStart + period] as number) - (indices[stretchStart] as number);
    const cost = period * (step > 1 ? 2 : 1) + 1;
    for (let from = stretchStart; from < stretchStart + period; from++) {
      const blocks = Math.min(Math.floor((stretchEnd + period - from) / period), Math.floor(inSize / step));
      if (blocks < 2) continue;
      const saving = runsIn(from, from + period * blocks) - cost;
      if (saving > (best?.saving ?? 0) && phasesInOrder(indices, from, period, blocks, step)) {
        best = { piece: { kind: 'periodic', from, period, blocks, step }, saving };
      }
    }
  }
  return best?.piece ?? null;
}

/** Runs and periodic pieces covering indices[lo, hi). */
function plan(indices: readonly number[], lo: number, hi: number, inSize: number, runStarts: Int32Array): Piece[] {
  const middle = periodicPiece(indices, lo, hi, inSize, runStarts);
  if (middle?.kind !== 'periodic') return runs(indices, lo, hi);
  const end = middle.from + middle.period * middle.blocks;
  return [...plan(indices, lo, middle.from, inSize, runStarts), middle, ...plan(indices, end, hi, inSize, runStarts)];
}

/** The slices a cutting adds into x's gradient: one per run, one per phase. */
function termCount(pieces: readonly Piece[]): number {
  return pieces.reduce((total, piece) => total + (piece.kind === 'run' ? 1 : piece.period), 0);
}

/**
 * Whether two cuttings leave −0 in the same places: a slice that misses an index adds +0 to its
 * gradient, so the sum can only be −0 where every slice holds the index (an index occurs once per
 * slice that holds it). It must hold every slice in both cuttings or in neither.
 */
function sameZeroSigns(counts: ReadonlyMap<number, number>, terms: number, baseTerms: number): boolean {
  if (terms === baseTerms) return true;
  for (const count of counts.values()) if ((count === terms) !== (count === baseTerms)) return false;
  return true;
}

/** The first block of the first periodic piece as runs (more slices, each missing more indices). */
function peel(indices: readonly number[], pieces: readonly Piece[]): Piece[] | null {
  const i = pieces.findIndex((piece) => piece.kind === 'periodic');
  const piece = pieces[i];
  if (piece?.kind !== 'periodic') return null;
  const { from, period, blocks, step } = piece;
  const rest: Piece[] = blocks > 2
    ? [{ kind: 'periodic', from: from + period, period, blocks: blocks - 1, step }]
    : runs(indices, from + period, from + 2 * period);
  return [...pieces.slice(0, i), ...runs(indices, from, from + period), ...rest, ...pieces.slice(i + 1)];
}

/** x's slices for one piece, as one tensor along `axis`. */
function gatherPiece(x: Tensor, axis: number, indices: readonly number[], piece: Piece): Tensor {
  if (piece.kind === 'run') return narrow(x, axis, indices[piece.from] as number, piece.length);
  const { from, period, blocks, step } = piece;
  const inSize = x.shape[axis] as number;
  const split = [...x.shape.slice(0, axis), blocks, step, ...x.shape.slice(axis + 1)];
  const phases: Tensor[] = [];
  for (let r = 0; r < period; r++) {
    // Phase r is x[s], x[s + step], …: column c of a window of blocks·step elements seen as
    // [blocks, step] (c > 0 where the window would pass the end of x).
    const s = indices[from + r] as number;
    const c = Math.max(0, s + blocks * step - inSize);
    phases.push(narrow(reshape(narrow(x, axis, s - c, blocks * step), split), axis + 1, c, 1));
  }
  const shape = [...x.shape];
  shape[axis] = blocks * period;
  return reshape(concat(phases, axis + 1), shape);
}

/**
 * x with `axis` re-indexed by `indices`. Periodic indices (upsampling) take one slice per phase
 * rather than one per run of consecutive indices, so ×2 bilinear costs a handful of kernels, not
 * one per output column. Values are copies; the gradient is bit for bit that of one slice per run
 * (`onePerIndex`: one slice per index), as the cutting is chosen to keep the order of its
 * additions and its signs of zero, falling back to that plain cutting when no other does.
 */
export function gatherSlices(x: Tensor, axis: number, indices: readonly number[], onePerIndex = false): Tensor {
  const n = indices.length;
  const inSize = x.shape[axis] as number;
  const base = onePerIndex ? indices.map((_, d): Piece => ({ kind: 'run', from: d, length: 1 })) : runs(indices, 0, n);
  const runStarts = new Int32Array(n + 1);
  for (let d = 0; d < n; d++) runStarts[d + 1] = (runStarts[d] as number) + (d === 0 || indices[d] !== (indices[d - 1] as number) + 1 ? 1 : 0);
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(i, (counts.get(i) ?? 0) + 1);
  let pieces: Piece[] | null = plan(indices, 0, n, inSize, runStarts);
  while (pieces !== null && !sameZeroSigns(counts, termCount(pieces), base.length)) pieces = peel(indices, pieces);
  return concat((pieces ?? base).map((piece) => gatherPiece(x, axis, indices, piece)), axis);
}
