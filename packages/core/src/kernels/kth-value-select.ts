/**
 * The KthValue contract's selection, executable: the k-th smallest along a run of values exactly as
 * torch.kthvalue selects it on CPU (NaN above every number). torch's quickselect (median-of-three
 * pivot, Hoare partition) decides which of several equal values is returned, and so which element
 * a gradient reaches. Backends with host data call it rather than reimplementing it.
 */

/** torch's gt_or_nan: x > y, with NaN greater than every number. */
function greater(x: number, y: number): boolean {
  return (x !== x && y === y) || x > y;
}

/**
 * Rearranges `order` (indices into `values`, initially 0…n−1) so that position k (0-based) holds
 * the index of the k-th smallest, and returns that index.
 */
export function kthValueSelect(values: Float32Array | Int32Array, order: Int32Array, k: number): number {
  const at = (p: number): number => values[order[p] as number] as number;
  let left = 0;
  let right = order.length - 1;
  for (;;) {
    if (right <= left) break;
    if (right === left + 1) {
      if (greater(at(left), at(right))) swap(order, left, right);
      break;
    }
    // Median of three: order[left] becomes the pivot, with order[left + 1] ≤ pivot ≤ order[right].
    swap(order, left + ((right - left) >> 1), left + 1);
    if (greater(at(left + 1), at(right))) swap(order, left + 1, right);
    if (greater(at(left), at(right))) swap(order, left, right);
    if (greater(at(left + 1), at(left))) swap(order, left + 1, left);
    const pivot = at(left);
    let i = left + 1;
    let j = right;
    for (;;) {
      do i++; while (greater(pivot, at(i)));
      do j--; while (greater(at(j), pivot));
      if (j < i) break;
      swap(order, i, j);
    }
    swap(order, left, j);
    if (j <= k) left = i;
    if (j >= k) right = j - 1;
  }
  return order[k] as number;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
