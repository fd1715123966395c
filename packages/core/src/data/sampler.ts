import type { Generator } from '../random/generator.js';

/**
 * A random permutation of 0..n−1 drawn as torch.randperm(n, generator=g) on the CPU
 * (torch 1.13): for i in 0..n−2, swap element i with element i + (random() mod (n − i)).
 */
export function randperm(n: number, generator: Generator): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n - 1; i++) {
    const z = generator.random() % (n - i);
    const saved = out[i] as number;
    out[i] = out[z + i] as number;
    out[z + i] = saved;
  }
  return out;
}

/** torch's int64 `random_()`: two 32-bit draws; returns the low 32 bits, all a reseed uses. */
export function randomSeedLow32(generator: Generator): number {
  generator.random();
  return generator.random();
}
