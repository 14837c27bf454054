import mt19937 = require('@stdlib/random-base-mt19937');

/**
 * A uniform random sample of at most `capacity` values from a stream of any
 * length (Vitter's algorithm R): memory is fixed by the capacity, not the file.
 * While the stream is no longer than the capacity the sample is the whole
 * stream, so every statistic computed from it is exact. The generator is
 * seeded: the same file gives the same sample and the same figures every run.
 */
export class ReservoirSample {
  private readonly values: Float64Array;
  private seen = 0;
  private readonly random: () => number;

  constructor(readonly capacity: number, seed = 20261123) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`reservoir capacity must be a whole number >= 1, not ${capacity}`);
    this.values = new Float64Array(capacity);
    // normalized() is documented (53-bit doubles in [0, 1)) but missing from the package's typings.
    const generator = mt19937.factory({ seed }) as unknown as { normalized(): number };
    this.random = () => generator.normalized();
  }

  add(x: number): void {
    if (this.seen < this.capacity) {
      this.values[this.seen] = x;
    } else {
      const j = Math.floor(this.random() * (this.seen + 1));
      if (j < this.capacity) this.values[j] = x;
    }
    this.seen++;
  }

  /** How many values went by, sampled or not. */
  get count(): number {
    return this.seen;
  }

  /** True while the sample holds every value seen. */
  get exact(): boolean {
    return this.seen <= this.capacity;
  }

  /** The sample, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}
