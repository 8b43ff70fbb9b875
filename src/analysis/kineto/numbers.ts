/**
 * A growable list of numbers, so millions of intervals do not become millions of objects: the builder keeps each
 * event field it needs as one of these columns.
 */
/** Past this many numbers a column grows by a quarter rather than doubling, so less of it stands empty. */
const LARGE = 1 << 20;

export class Numbers {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const size = this.data.length;
      const grown = new Float64Array(size < LARGE ? 2 * size : size + (size >>> 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  push3(a: number, b: number, c: number): void {
    this.push(a);
    this.push(b);
    this.push(c);
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
