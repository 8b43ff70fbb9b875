/**
 * Compact growable columns for HTA's per-event numbers. HTA rounds times to whole µs and its ids and flags are small
 * integers, so most columns fit 32 or 8 bits instead of 64: a quarter to half the memory of a Float64 column, with
 * the same numbers (a column widens to Float64 the first time a value does not fit).
 */

/** Past this many values a column grows by a quarter rather than doubling, so less of it stands empty. */
const LARGE = 1 << 20;

/** The typed array a column's values are read from. */
export type Column = Int32Array | Uint8Array | Float64Array;

function grownSize(size: number): number {
  return size < LARGE ? 2 * size : size + (size >>> 2);
}

/** Integers in an Int32Array until one does not fit (a fraction, -0 or beyond ±2^31), then in a Float64Array. */
export class IntColumn {
  private data: Int32Array | Float64Array = new Int32Array(1024);
  length = 0;

  /** Whether the values are held exactly as 32-bit integers so far. */
  get narrow(): boolean {
    return this.data instanceof Int32Array;
  }

  push(value: number): void {
    if (this.data instanceof Int32Array && !fitsInt32(value)) this.widen(0);
    if (this.length === this.data.length) {
      const grown =
        this.data instanceof Int32Array
          ? new Int32Array(grownSize(this.length))
          : new Float64Array(grownSize(this.length));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** Moves the values into a Float64Array, adding `shift` to each (exact for safe integers). */
  widen(shift: number): void {
    const wide = new Float64Array(Math.max(1024, this.data.length));
    for (let i = 0; i < this.length; i++) wide[i] = this.data[i]! + shift;
    this.data = wide;
  }

  view(): Int32Array | Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Small non-negative integers (flags, kinds): one byte each. */
export class ByteColumn {
  private data = new Uint8Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint8Array(grownSize(this.length));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

function fitsInt32(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

/**
 * Times (whole µs) stored as 32-bit offsets from the first time seen, shared by several columns so that their
 * differences and comparisons are those of the original times. When a time is not a safe integer or its offset does
 * not fit, every column of the group widens to Float64 holding the original times (base 0) from then on.
 */
export class TimeColumns {
  private base = NaN;
  private readonly columns: IntColumn[] = [];

  /** A new column of the group. */
  column(): IntColumn {
    const column = new IntColumn();
    this.columns.push(column);
    return column;
  }

  /** The value stored for `time`: subtract it from times compared against the columns' values. */
  offset(time: number): number {
    return this.base === this.base ? time - this.base : time;
  }

  /** Appends `time` to `column`, one of this group's. */
  push(column: IntColumn, time: number): void {
    if (Number.isNaN(this.base) && Number.isSafeInteger(time)) this.base = time;
    if (this.base !== 0 && column.narrow) {
      const offset = time - this.base;
      if (Number.isSafeInteger(time) && fitsInt32(offset)) {
        column.push(offset);
        return;
      }
      this.widenAll();
    }
    column.push(time);
  }

  private widenAll(): void {
    const shift = Number.isNaN(this.base) ? 0 : this.base;
    for (const column of this.columns) column.widen(shift);
    this.base = 0;
  }
}
