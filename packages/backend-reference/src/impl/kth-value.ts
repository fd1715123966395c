/** k-th smallest along a run of values, with torch.kthvalue's order: NaN above every number. */

function less(values: Float32Array | Int32Array, a: number, b: number): boolean {
  const x = values[a] as number;
  const y = values[b] as number;
  if (x !== x) return false;
  if (y !== y) return true;
  // Ties break by position so the selection is deterministic.
  return x < y || (x === y && a < b);
}

/** Indices `order` rearranged so that position k (0-based) holds the k-th smallest (quickselect). */
export function select(values: Float32Array | Int32Array, order: Int32Array, k: number): number {
  let lo = 0;
  let hi = order.length - 1;
  while (hi > lo) {
    // Median of three as pivot.
    const mid = (lo + hi) >>> 1;
    if (less(values, order[mid] as number, order[lo] as number)) swap(order, mid, lo);
    if (less(values, order[hi] as number, order[lo] as number)) swap(order, hi, lo);
    if (less(values, order[mid] as number, order[hi] as number)) swap(order, mid, hi);
    const pivot = order[hi] as number;
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (less(values, order[i] as number, pivot)) swap(order, i, store++);
    }
    swap(order, store, hi);
    if (store === k) break;
    if (store < k) lo = store + 1;
    else hi = store - 1;
  }
  return order[k] as number;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
