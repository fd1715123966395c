/**
 * `--reference-paths`: the reference backend's figures under each implementation of its hot
 * kernels: `reference[js]/…` with gemm and fake quantization in JavaScript (its fallback where
 * WebAssembly SIMD is missing), `reference[wasm]/…` with both in WebAssembly SIMD (its default
 * where the runtime runs the modules), and their ratio per figure.
 */
import type { Figure } from './measure.js';

/** Figures of the current backend, named `${label}/<figure>`. */
export type FigureGroup = (label: string) => Figure[];

type Implementation = 'js' | 'wasm';

/**
 * Each group measured under 'js' and then 'wasm' before the next group, so that a change in the
 * machine's load falls on both alike. The implementations in use before are restored after.
 */
export async function referencePathFigures(groups: readonly FigureGroup[]): Promise<Figure[]> {
  const reference = await import('@parvus/backend-reference');
  const initial = [reference.gemmImplementation(), reference.elementwiseImplementation()] as const;
  const select = (which: Implementation): boolean => {
    try {
      reference.setGemmImplementation(which);
      reference.setElementwiseImplementation(which);
      return true;
    } catch {
      // 'wasm' where the runtime does not run WebAssembly SIMD.
      return false;
    }
  };
  const implementations: Implementation[] = select('wasm') ? ['js', 'wasm'] : ['js'];
  if (implementations.length === 1) console.log('(reference[wasm]: this runtime does not run WebAssembly SIMD)');
  const figures: Figure[] = [];
  try {
    for (const group of groups) {
      for (const which of implementations) {
        select(which);
        figures.push(...group(`reference[${which}]`));
      }
    }
  } finally {
    reference.setGemmImplementation(initial[0]);
    reference.setElementwiseImplementation(initial[1]);
  }
  return figures;
}

/** JavaScript against WebAssembly, figure by figure. */
export function printReferencePaths(figures: readonly Figure[]): void {
  const median = (label: string, figure: string): number | undefined => figures.find((f) => f.name === `${label}/${figure}`)?.medianMs;
  const names = [...new Set(figures.filter((f) => f.name.startsWith('reference[')).map((f) => f.name.split('/')[1] ?? ''))];
  if (names.length === 0) return;
  console.log('reference: gemm and fake quantization in JavaScript (js) and in WebAssembly SIMD (wasm):');
  console.table(names.map((figure) => {
    const js = median('reference[js]', figure);
    const wasm = median('reference[wasm]', figure);
    return {
      figure,
      'js ms': js?.toFixed(3) ?? '',
      'wasm ms': wasm?.toFixed(3) ?? '',
      'js / wasm': js !== undefined && wasm !== undefined ? (js / wasm).toFixed(2) : '',
    };
  }));
}
