import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, lineAmount, money, percentOf, sumMoney } from './money.ts';

/** Cents (BigInt) -> "-12.34". The oracle's formatting, independent of decimal.js. */
function centsToString(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

/** A small deterministic generator (xorshift32) so that a million lines cost little to make. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** `q` and `p` in 1e-4 units; the product rounded half away from zero to cents, in BigInt. */
function oracleLine(q: bigint, p: bigint): bigint {
  const prod = q * p; // 1e-8 units
  const neg = prod < 0n;
  const a = neg ? -prod : prod;
  const cents = (a + 500_000n) / 1_000_000n;
  return neg ? -cents : cents;
}

const fourPlaces = (v: bigint): string => {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}${a / 10_000n}.${(a % 10_000n).toString().padStart(4, '0')}`;
};

describe('money', () => {
  it('never loses a cent over a million lines (property: the sum equals the integer-cent sum)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 9 }), (seed, digits) => {
        const next = xorshift(seed);
        const bound = 10 ** digits; // up to 10^9 cents = 10 million dollars a line
        const lines: string[] = new Array(1_000_000);
        let exact = 0n;
        for (let i = 0; i < lines.length; i++) {
          const magnitude = next() % bound;
          const cents = BigInt(next() % 5 === 0 ? -magnitude : magnitude); // some credits
          exact += cents;
          lines[i] = centsToString(cents);
        }
        expect(formatMoney(sumMoney(lines))).toBe(centsToString(exact));
      }),
      { numRuns: 1 },
    );
  });

  it('sums any list of cent amounts exactly (many small cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), { maxLength: 300 }), (cents) => {
        const exact = cents.reduce((a, b) => a + b, 0n);
        expect(formatMoney(sumMoney(cents.map(centsToString)))).toBe(centsToString(exact));
      }),
    );
  });

  it('rounds each line to the cent half away from zero, exactly as integer arithmetic does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), (q, p) => {
        expect(formatMoney(lineAmount(fourPlaces(q), fourPlaces(p)))).toBe(centsToString(oracleLine(q, p)));
      }),
    );
  });

  it('does what floating point does not: 0.10 + 0.20 is 0.30, and 1.005 rounds up', () => {
    expect(formatMoney(sumMoney(['0.10', '0.20']))).toBe('0.30');
    expect(formatMoney(lineAmount('1', '1.005'))).toBe('1.01');
    expect(formatMoney(percentOf('10.05', '50'))).toBe('5.03');
  });

  it('refuses amounts that are not decimal strings', () => {
    expect(() => money('1e3')).toThrow(/not a decimal amount/);
    expect(() => money('12.34567')).toThrow(/at most 4 decimal places/);
    expect(() => money(0.1)).toThrow(/decimal string/);
  });
});
