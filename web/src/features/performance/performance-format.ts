/**
 * Pure helpers of the performance screens: the page's search parameters, a figure in its unit, the trend
 * of a figure against the previous period (better or worse by the standard's direction), met or not, and a
 * period label in the reader's language.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMonth } from '../../lib/months.ts';
import { optMonth, optOneOf, optString } from '../../lib/search-params.ts';
import { type Cell, GRANULARITIES, type Granularity, type Standard } from './performance.api.ts';

/** A standard's code as the API takes it (MSS-FR), upper-cased, else undefined. */
const optCode = (v: unknown) => {
  const s = optString(v, 40)?.toUpperCase();
  return s && /^[A-Z][A-Z0-9-]{1,39}$/.test(s) ? s : undefined;
};
/** A period: a month, a quarter, a half-year or a year (2026-03, 2026-Q1, 2026-H1, 2026), else undefined. */
const optPeriod = (v: unknown) => {
  const s = optString(v, 7)?.toUpperCase();
  return s && /^\d{4}(?:-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/.test(s) ? s : undefined;
};

export interface PerformanceSearch {
  from?: string;
  to?: string;
  granularity?: Granularity;
  serviceLine?: string;
  entity?: string;
  region?: string;
  /** Compare: the second range. */
  compareFrom?: string;
  compareTo?: string;
}

/** Reads the dashboard's search parameters: every key, undefined when missing or malformed (see search-params.ts). */
export function validatePerformanceSearch(raw: Record<string, unknown>): PerformanceSearch {
  return {
    from: optMonth(raw.from),
    to: optMonth(raw.to),
    granularity: optOneOf(raw.granularity, GRANULARITIES),
    serviceLine: optString(raw.serviceLine, 20)?.toUpperCase(),
    entity: optString(raw.entity, 40)?.toUpperCase(),
    region: optString(raw.region, 60),
    compareFrom: optMonth(raw.compareFrom),
    compareTo: optMonth(raw.compareTo),
  };
}

export interface DrilldownSearch {
  standard: string;
  provider: string;
  period: string;
  from: string;
  to: string;
  serviceLine?: string;
  entity?: string;
  region?: string;
}

/**
 * Reads the drill-down's search parameters: every key, undefined when missing or malformed. Standard,
 * provider and period have no default: without them the page asks to open a figure of the dashboard.
 */
export function validateDrilldownSearch(raw: Record<string, unknown>): Partial<DrilldownSearch> {
  const provider = optString(raw.provider, 20)?.toUpperCase();
  return {
    standard: optCode(raw.standard),
    provider: provider && provider.length >= 2 ? provider : undefined,
    period: optPeriod(raw.period),
    from: optMonth(raw.from),
    to: optMonth(raw.to),
    serviceLine: optString(raw.serviceLine, 20)?.toUpperCase(),
    entity: optString(raw.entity, 40)?.toUpperCase(),
    region: optString(raw.region, 60),
  };
}

/** Reads the flow page's search parameter: a loaded log's name, else undefined (Meridian's own cases). */
export function validateFlowSearch(raw: Record<string, unknown>): { log?: string | undefined } {
  return { log: optString(raw.log, 80) };
}

/** A value in its unit for display: share as percent, hours, per case, rating; null as an em dash. */
export function formatValue(value: number | null, unit: Standard['unit'], lang: string): string {
  if (value === null) return '—';
  const nf = (d: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: d });
  if (unit === 'share') return `${nf(1).format(value * 100)} %`;
  if (unit === 'business-hours') return `${nf(1).format(value)} h`;
  return nf(2).format(value);
}

/** The target of a standard for display (`≥ 90 %`, `≤ 40 h`). */
export function formatTarget(s: Pick<Standard, 'comparator' | 'target' | 'unit'>, lang: string): string {
  return `${s.comparator === '>=' ? '≥' : '≤'} ${formatValue(s.target, s.unit, lang)}`;
}

/** Trend of a cell against the same standard and provider in the previous period: better, worse, same, or null. */
export function trendOf(
  cells: readonly Cell[],
  periods: readonly string[],
  cell: Cell,
  comparator: '>=' | '<=',
): 'better' | 'worse' | 'same' | null {
  const i = periods.indexOf(cell.period);
  if (i <= 0 || cell.value === null) return null;
  const prev = cells.find((c) => c.standard === cell.standard && c.provider === cell.provider && c.period === periods[i - 1]);
  if (!prev || prev.value === null) return null;
  const d = cell.value - prev.value;
  if (Math.abs(d) < 1e-9) return 'same';
  return d > 0 === (comparator === '>=') ? 'better' : 'worse';
}

/** The translator `formatPeriod` asks for the words of a quarter, a half-year and a range. */
type PeriodWords = (key: 'quarter' | 'half' | 'range', values: Record<string, string>) => string;

/**
 * A period label of the API (`2026-11`, `2026-Q1`, `2026-H2`, `2026`, a range `2024-12..2025-11`) as a reader
 * sees it in `lng`: "novembre 2026" / "November 2026" (`short`: "nov. 2026", for column headers), "T1 2026" /
 * "Q1 2026", "S2 2026" / "H2 2026", "2026", "déc. 2024 – nov. 2025". `words` gives the quarter, half-year and
 * range wordings (`performance.periodLabel.*`). A label of another shape is returned as given. The label itself
 * stays ISO in URLs and exports.
 */
export function formatPeriod(label: string, lng: string, words: PeriodWords, style: 'long' | 'short' = 'long'): string {
  const range = /^(.+)\.\.(.+)$/.exec(label);
  if (range?.[1] && range[2])
    return words('range', { from: formatPeriod(range[1], lng, words, 'short'), to: formatPeriod(range[2], lng, words, 'short') });
  const q = /^(\d{4})-Q([1-4])$/.exec(label);
  if (q?.[1] && q[2]) return words('quarter', { n: q[2], year: q[1] });
  const h = /^(\d{4})-H([12])$/.exec(label);
  if (h?.[1] && h[2]) return words('half', { n: h[2], year: h[1] });
  return formatMonth(label, lng, style);
}

/** `formatPeriod` in the UI language: `(label, style?) => text`. */
export function usePeriodFormat(): (label: string, style?: 'long' | 'short') => string {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (label: string, style: 'long' | 'short' = 'long') =>
      formatPeriod(label, lng, (key, values) => t(`performance.periodLabel.${key}`, values), style),
    [t, lng],
  );
}
