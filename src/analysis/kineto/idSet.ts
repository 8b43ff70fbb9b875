/**
 * A set of event ids (correlation and external ids) that costs one bit per id: ids are small integers handed out
 * in order, so the set is a few pages of bits even for a trace of millions of launches. Ids that are not
 * non-negative safe integers are kept in an ordinary Set.
 */
const PAGE_BITS = 1 << 16;

/** Ids as bits in 8 KiB pages, created on first use. */
export class IdSet {
  private readonly pages = new Map<number, Uint32Array>();
  private readonly others = new Set<number>();

  add(id: number): void {
    if (!isPlain(id)) {
      this.others.add(id);
      return;
    }
    const page = Math.floor(id / PAGE_BITS);
    let bits = this.pages.get(page);
    if (!bits) {
      bits = new Uint32Array(PAGE_BITS / 32);
      this.pages.set(page, bits);
    }
    const bit = id % PAGE_BITS;
    bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  has(id: number): boolean {
    if (!isPlain(id)) return this.others.has(id);
    const bits = this.pages.get(Math.floor(id / PAGE_BITS));
    if (!bits) return false;
    const bit = id % PAGE_BITS;
    return (bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

/** Whether `id` can be a bit: a non-negative safe integer. */
export function isPlain(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0;
}
