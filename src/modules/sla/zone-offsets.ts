/**
 * UTC offsets of an IANA time zone as a sorted table of transitions, read from the runtime's time-zone data
 * (ICU, through `Intl.DateTimeFormat`) once per zone and range, then answered by binary search.
 *
 * Units: epoch milliseconds (UTC) and offsets in ms (wall clock minus UTC; Kabul is +16,200,000).
 * The table is built lazily in blocks of 2^31 ms (about 24.9 days): the offset is sampled every 12 hours and
 * each change is located by bisection to the second (tz transitions fall on whole seconds). Two transitions
 * less than 12 hours apart would be missed; the tz database has none since 1900.
 */

/** Block length of the lazily built table, ms. */
const BLOCK = 2 ** 31;
const SAMPLE = 12 * 3_600_000;

const WALL_RE = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** True when `timeZone` is an IANA zone name (or alias) the runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The transitions of one zone over a growing UTC range. Use {@link zoneOffsets} to share one per zone. */
export class ZoneOffsets {
  readonly timeZone: string;
  private readonly fmt: Intl.DateTimeFormat;
  /** Covered UTC range, whole blocks: [lo, hi). Empty until first use. */
  private lo = 0;
  private hi = 0;
  /** Offset in force at `lo`. */
  private offAtLo = 0;
  /** Transition instants in [lo, hi), ascending, and the offset in force from each. */
  private at: number[] = [];
  private offAfter: number[] = [];

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The offset (ms) at `utcMs` straight from Intl, to the second. */
  private intlOffset(utcMs: number): number {
    const s = Math.floor(utcMs / 1000) * 1000;
    const m = WALL_RE.exec(this.fmt.format(s));
    if (!m) throw new Error(`unexpected Intl output for ${this.timeZone}`);
    const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
    // Date.UTC maps years 0-99 to 1900-1999; our range starts in 1900 so that never matters.
    return wall - s;
  }

  /** Transitions in [from, to) found by sampling and bisection, appended to the two arrays. */
  private scan(from: number, to: number, at: number[], offAfter: number[]): number {
    const first = this.intlOffset(from);
    let prevT = from;
    let prevO = first;
    for (let t = Math.min(from + SAMPLE, to); ; t = Math.min(t + SAMPLE, to)) {
      const o = this.intlOffset(t === to ? to - 1000 : t);
      if (o !== prevO) {
        // Bisect on whole seconds: offset(lo) = prevO, offset(hi) = o.
        let lo = Math.floor(prevT / 1000);
        let hi = Math.floor((t === to ? to - 1000 : t) / 1000);
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.intlOffset(mid * 1000) === prevO) lo = mid;
          else hi = mid;
        }
        at.push(hi * 1000);
        offAfter.push(this.intlOffset(hi * 1000));
        prevO = offAfter[offAfter.length - 1] as number;
        prevT = hi * 1000;
        // A second change between the first and the sample point (not in the tz database) is caught on the
        // next round, since prevT moved back to the transition.
        if (prevO !== o) {
          t = prevT;
          continue;
        }
      }
      prevT = t;
      if (t >= to) break;
    }
    return first;
  }

  /** Makes the table cover [fromMs, toMs). */
  ensure(fromMs: number, toMs: number): void {
    const bLo = Math.floor(fromMs / BLOCK) * BLOCK;
    const bHi = Math.ceil(toMs / BLOCK) * BLOCK;
    if (this.hi === this.lo) {
      const at: number[] = [];
      const off: number[] = [];
      this.offAtLo = this.scan(bLo, bHi, at, off);
      this.lo = bLo;
      this.hi = bHi;
      this.at = at;
      this.offAfter = off;
      return;
    }
    if (bLo < this.lo) {
      const at: number[] = [];
      const off: number[] = [];
      this.offAtLo = this.scan(bLo, this.lo, at, off);
      // The offset at the old `lo` may differ from the last one found (a transition exactly at the seam).
      const oldFirst = this.intlOffset(this.lo);
      const lastFound = off.length ? (off[off.length - 1] as number) : this.offAtLo;
      if (oldFirst !== lastFound) {
        at.push(this.lo);
        off.push(oldFirst);
      }
      this.at = at.concat(this.at);
      this.offAfter = off.concat(this.offAfter);
      this.lo = bLo;
    }
    if (bHi > this.hi) {
      const at: number[] = [];
      const off: number[] = [];
      const first = this.scan(this.hi, bHi, at, off);
      const lastKnown = this.offAfter.length ? (this.offAfter[this.offAfter.length - 1] as number) : this.offAtLo;
      if (first !== lastKnown) {
        this.at.push(this.hi);
        this.offAfter.push(first);
      }
      for (let i = 0; i < at.length; i++) {
        this.at.push(at[i] as number);
        this.offAfter.push(off[i] as number);
      }
      this.hi = bHi;
    }
  }

  /** Index of the last transition at or before `t`, or -1. */
  private indexAt(t: number): number {
    const at = this.at;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((at[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The offset (wall minus UTC, ms) in force at `utcMs`. */
  offsetAt(utcMs: number): number {
    if (utcMs < this.lo || utcMs >= this.hi) this.ensure(utcMs, utcMs + 1);
    const i = this.indexAt(utcMs);
    return i < 0 ? this.offAtLo : (this.offAfter[i] as number);
  }

  /**
   * The exact preimage of the wall-clock interval [wallFrom, wallTo) ("local time as if UTC", ms): every UTC
   * instant whose wall-clock time falls in it, as disjoint ascending UTC intervals pushed onto `out` as
   * [from, to] pairs (flattened). A part that falls in a spring-forward gap has no preimage (the interval
   * starts when the clocks show a time in it); a part that the clocks show twice after a fall-back has two.
   */
  preimage(wallFrom: number, wallTo: number, out: number[]): void {
    // Offsets lie within +-26 h, so every instant that can show a time in the interval is in [lo, hi).
    const lo = wallFrom - 26 * 3_600_000;
    const hi = wallTo + 26 * 3_600_000;
    if (lo < this.lo || hi > this.hi) this.ensure(lo, hi);
    let i = this.indexAt(lo);
    let o = i < 0 ? this.offAtLo : (this.offAfter[i] as number);
    let segStart = lo;
    const at = this.at;
    for (;;) {
      const next = i + 1 < at.length ? (at[i + 1] as number) : Number.POSITIVE_INFINITY;
      const segEnd = Math.min(next, hi);
      const a = Math.max(wallFrom - o, segStart);
      const b = Math.min(wallTo - o, segEnd);
      if (a < b) {
        const n = out.length;
        if (n >= 2 && out[n - 1] === a) out[n - 1] = b;
        else out.push(a, b);
      }
      if (segEnd >= hi) break;
      i++;
      o = this.offAfter[i] as number;
      segStart = segEnd;
    }
  }

  /** The first UTC instant whose wall-clock time is at or after `wall` (ms, local as if UTC). */
  firstInstantAtOrAfter(wall: number): number {
    const out: number[] = [];
    this.preimage(wall, wall + 27 * 3_600_000, out);
    return out[0] as number;
  }
}

const cache = new Map<string, ZoneOffsets>();

/** The shared offset table of `timeZone` (created on first use). @throws RangeError on an unknown zone. */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let z = cache.get(timeZone);
  if (!z) {
    z = new ZoneOffsets(timeZone);
    cache.set(timeZone, z);
  }
  return z;
}
