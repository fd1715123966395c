/**
 * Seeded inputs. The generator is a small mulberry32, independent of core's torch-compatible one
 * (which belongs to the code under test). Every test gets its own stream, seeded from its id, so a
 * failure reproduces by running that one test.
 */

/** FNV-1a hash of a test id: its seed. */
export function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float64 uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float32-representable uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }

  /** An integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /**
   * `size` float32 uniforms in [lo, hi). With `accept`, values it rejects are drawn again (keep
   * inputs away from kinks and discontinuities: relu at 0, round at half-integers, ...).
   */
  floats(size: number, lo = -1, hi = 1, accept?: (v: number) => boolean): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let v = this.uniform(lo, hi);
      for (let tries = 0; accept && !accept(v); tries++) {
        if (tries > 1000) throw new Error(`Random.floats: cannot draw an accepted value in [${lo}, ${hi})`);
        v = this.uniform(lo, hi);
      }
      out[i] = v;
    }
    return out;
  }

  ints(size: number, lo: number, hi: number): Int32Array {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.int(lo, hi);
    return out;
  }

  bools(size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = this.next() < 0.5 ? 1 : 0;
    return out;
  }

  /**
   * `size` float32 values in [lo, hi] that differ pairwise by at least (hi − lo)/(2·size): a
   * shuffled even grid with jitter. For max, argmax, kthValue and pooling without ties.
   */
  distinct(size: number, lo = -2, hi = 2): Float32Array {
    const step = (hi - lo) / Math.max(size, 1);
    const values = Array.from({ length: size }, (_, i) => lo + step * (i + 0.25 + 0.5 * this.next()));
    this.shuffle(values);
    return Float32Array.from(values, Math.fround);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
