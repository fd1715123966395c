import { MT19937 } from './mt19937.js';

const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * A seeded random generator that reproduces PyTorch's CPU generator (torch 1.13): the same seed
 * gives the same `rand`, `randn` and default layer initialisation as `torch.manual_seed`.
 */
export class Generator {
  private engine: MT19937;
  private nextNormal: number | null = null;
  private initialSeed: number;

  constructor(seed = 67280421310721) {
    this.initialSeed = seed;
    this.engine = new MT19937(Number(BigInt.asUintN(32, BigInt(Math.trunc(seed)))));
  }

  manualSeed(seed: number): this {
    this.initialSeed = seed;
    this.engine = new MT19937(Number(BigInt.asUintN(32, BigInt(Math.trunc(seed)))));
    this.nextNormal = null;
    return this;
  }

  get seed(): number {
    return this.initialSeed;
  }

  /** One 32-bit draw. */
  random(): number {
    return this.engine.next();
  }

  /**
   * A float32 uniform in [from, to): 24 random bits scaled into the range, as torch's
   * uniform_real_distribution<float> does (bounds cast to float32, x·(to − from) + from rounded once).
   */
  uniformFloat32(from = 0, to = 1): number {
    const x = (this.engine.next() % TWO_POW_24) / TWO_POW_24;
    const f = Math.fround(from);
    return Math.fround(x * Math.fround(Math.fround(to) - f) + f);
  }

  /** A float64 uniform in [from, to) from 53 random bits (torch's random64 path). */
  uniformFloat64(from = 0, to = 1): number {
    const hi = this.engine.next();
    const lo = this.engine.next();
    // make64BitsFrom32Bits(hi, lo) & (2^53 − 1)
    const bits = (hi % (1 << 21)) * TWO_POW_32 + lo;
    return (bits / TWO_POW_53) * (to - from) + from;
  }

  /** A standard normal from the scalar path (Box–Muller on float64, caching the second value). */
  normalFloat64(mean = 0, std = 1): number {
    if (this.nextNormal !== null) {
      const cached = this.nextNormal;
      this.nextNormal = null;
      return cached * std + mean;
    }
    const u1 = this.uniformFloat64();
    const u2 = this.uniformFloat64();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextNormal = r * Math.sin(theta);
    return r * Math.cos(theta) * std + mean;
  }

  /** Fill `out` with uniforms in [from, to) (torch's uniform_ on float32). */
  fillUniform(out: Float32Array, from = 0, to = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniformFloat32(from, to);
    return out;
  }

  /**
   * Fill `out` with normals as torch.randn does on float32: tensors of ≥ 16 elements use the
   * vectorised Box–Muller over blocks of 16 uniforms; smaller ones the scalar float64 path.
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    const size = out.length;
    if (size < 16) {
      for (let i = 0; i < size; i++) out[i] = this.normalFloat64(mean, std);
      return out;
    }
    for (let i = 0; i < size; i++) out[i] = this.uniformFloat32();
    for (let i = 0; i + 16 <= size; i += 16) normalFill16(out, i, mean, std);
    if (size % 16 !== 0) {
      // torch recomputes the last 16 values from fresh uniforms.
      const start = size - 16;
      for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat32();
      normalFill16(out, start, mean, std);
    }
    return out;
  }
}

const TWO_PI_FLOAT32 = Math.fround(2 * Math.PI);

/** torch's normal_fill_16 (its AVX2 form: float32 throughout, θ = float(2π)·u2, fused multiply-add). */
function normalFill16(data: Float32Array, offset: number, mean: number, std: number): void {
  const f = Math.fround;
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - (data[offset + j] as number));
    const u2 = data[offset + j + 8] as number;
    const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
    const theta = f(TWO_PI_FLOAT32 * u2);
    data[offset + j] = f(f(radius * f(Math.cos(theta))) * std + mean);
    data[offset + j + 8] = f(f(radius * f(Math.sin(theta))) * std + mean);
  }
}

let defaultGenerator = new Generator();

/** The process-wide generator behind `rand`, `randn` and layer initialisation. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/** Seed the default generator (torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  defaultGenerator = new Generator(seed);
  return defaultGenerator;
}
