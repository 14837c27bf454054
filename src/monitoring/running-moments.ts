/** Count, mean and sample standard deviation in one pass (Welford): no sum of squares to lose precision in. */
export class RunningMoments {
  private n = 0;
  private m = 0;
  private s = 0;

  add(x: number): void {
    this.n++;
    const delta = x - this.m;
    this.m += delta / this.n;
    this.s += delta * (x - this.m);
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n ? this.m : NaN;
  }

  /** Sample standard deviation (n - 1), NaN below two values. */
  get sd(): number {
    return this.n > 1 ? Math.sqrt(this.s / (this.n - 1)) : NaN;
  }
}
