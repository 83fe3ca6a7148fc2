/**
 * Money for cost recovery: exact decimal arithmetic (decimal.js), never binary floating point. Amounts are
 * USD written as decimal strings (`"1234.50"`): prices and quantities keep up to 4 decimal places, line
 * amounts are rounded once to the cent (half away from zero), and totals are exact sums of rounded lines —
 * so a statement's total is always the sum of its lines, whatever their number.
 */
import { Decimal } from 'decimal.js';

/** A decimal.js constructor with enough precision for any sum of statement lines (1e30 USD and beyond). */
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 60 });
export type Money = InstanceType<typeof D>;

const DECIMAL_RE = /^-?\d{1,14}(\.\d{1,4})?$/;

/**
 * Parses a decimal string (up to 14 integer and 4 fractional digits, optional minus).
 * @throws Error naming the value when it is not such a string (callers turn it into a field issue).
 */
export function money(value: string | number | Money): Money {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${value} is not a whole number: pass money as a decimal string`);
    return new D(value);
  }
  if (typeof value === 'string' && !DECIMAL_RE.test(value.trim())) {
    throw new Error(`${JSON.stringify(value)} is not a decimal amount (e.g. "1234.50", at most 4 decimal places)`);
  }
  return new D(value);
}

/** Whether `value` is a decimal string `money` accepts. */
export function isDecimalString(value: string): boolean {
  return DECIMAL_RE.test(value.trim());
}

/** `quantity x unitPrice`, rounded to the cent (half away from zero). */
export function lineAmount(quantity: string | Money, unitPrice: string | Money): Money {
  return toCents(money(quantity).times(money(unitPrice)));
}

/** Rounds to the cent, half away from zero. */
export function toCents(v: Money): Money {
  return v.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** `percent`% of `amount`, rounded to the cent. */
export function percentOf(amount: string | Money, percent: string | Money): Money {
  return toCents(money(amount).times(money(percent)).dividedBy(100));
}

/** The exact sum of `amounts` (decimal strings or Money). */
export function sumMoney(amounts: Iterable<string | Money>): Money {
  let total = new D(0);
  for (const a of amounts) total = total.plus(typeof a === 'string' ? new D(a) : a);
  return total;
}

/** Formats as a fixed-point string with `places` decimals (2 for amounts, 4 for prices and quantities). */
export function formatMoney(v: string | Money, places = 2): string {
  return (typeof v === 'string' ? new D(v) : v).toFixed(places);
}

/** `min(a, b)`. */
export function minMoney(a: Money, b: Money): Money {
  return a.lessThan(b) ? a : b;
}

export const ZERO: Money = new D(0);
