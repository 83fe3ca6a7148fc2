/**
 * Import of the CEB duty-station list (`DSCITYCD.csv`: CITY_CODE, CITY_NAME, CITY_COMMON_NAME,
 * COUNTRY_CODE, COUNTRY_NAME, REGION, SUBREGION, LATITUDE, LONGITUDE, EFFECTIVE, OBSOLETE), source:
 * UN System Chief Executives Board, HR public code lists.
 *
 * - CEB city codes are unique only within a country, so a duty station's key is the country's ISO 3166
 *   alpha-2 code and the city code: `SS-JU020`. Countries are mapped from the CEB numeric
 *   COUNTRY_CODE through the CEB country list (`DSCTRYCD.csv`, by its ISO3 column, since its ISO2
 *   column has errors: South Sudan is listed as `SD`), or by English country name when no list is given.
 * - The time zone is derived from the coordinates (`geo-tz/all`, the exact zone of each country).
 * - All-or-nothing: any rejected row (bad coordinate, unknown country, missing value) or a structural
 *   problem (missing column, wrong delimiter) rejects the whole file and nothing is written.
 * - Conflicts are reported by line and do not block the import (unless `strict`): the same key twice
 *   (the active row wins over an obsolete one, else the first wins), and the same city code and city
 *   name under two countries (e.g. `JU020` Juba under Sudan and South Sudan), both kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { find as findTimeZones } from 'geo-tz/all';
import countries from 'i18n-iso-countries';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { readTextFile } from '../../server/files.ts';
import { recordImportRun } from '../reference/import-runs.repository.ts';
import { type DutyStationInput, upsertDutyStations } from './directory.repository.ts';

const REQUIRED_COLUMNS = [
  'CITY_CODE',
  'CITY_NAME',
  'COUNTRY_CODE',
  'COUNTRY_NAME',
  'REGION',
  'SUBREGION',
  'LATITUDE',
  'LONGITUDE',
  'OBSOLETE',
] as const;

/** A country of the CEB list: numeric CEB code to ISO alpha-2, name and region. */
export interface CebCountry {
  cebCode: string;
  iso2: string;
  name: string;
  region: string | null;
  subregion: string | null;
}

/** A problem with one line of the input file (`line` is 1-based, the header is line 1). */
export interface RowIssue extends FieldIssue {
  line: number;
  code?: string;
}

export interface DutyStationParseResult {
  stations: DutyStationInput[];
  rowsRead: number;
  rejected: RowIssue[];
  conflicts: RowIssue[];
  /** Rows kept with a remark, e.g. no country in the CEB list (kept under the user-assigned code `XX`). */
  warnings: RowIssue[];
}

export interface DutyStationImportOptions {
  /** Path of the CEB duty-station CSV (plain or gzip). */
  file: string;
  /** Path of the CEB country list; default: `DSCTRYCD.csv` beside `file`, if present. */
  countriesFile?: string;
  /** Field delimiter; default `,`. */
  delimiter?: string;
  /** Treat conflicts as rejections. */
  strict?: boolean;
  /** Called as rows are checked and written: `phase`, rows done, rows in all. */
  onProgress?: (phase: 'check' | 'write', done: number, total: number) => void;
}

export interface DutyStationImportReport {
  file: string;
  rowsRead: number;
  written: number;
  obsolete: number;
  rejected: RowIssue[];
  conflicts: RowIssue[];
  warnings: RowIssue[];
}

/** ISO 3166 user-assigned code for stations the CEB list gives no country (COUNTRY_CODE 0, e.g. Jerusalem). */
export const NO_COUNTRY = 'XX';

const NUMBER = /^-?\d{1,3}(\.\d+)?$/;

function parseCsv(
  text: string,
  delimiter: string,
  required: readonly string[],
  what: string,
): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const options = { bom: true, delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true } as const;
  type Rec = { record: string[]; info: { lines: number } };
  const run = (extra: { to_line?: number }): Rec[] => {
    try {
      return parse(text, { ...options, ...extra }) as unknown as Rec[];
    } catch (e) {
      const err = e as Error & { lines?: number };
      throw new AppError('IMPORT_REJECTED', `${what} is not valid CSV: ${err.message}`, {
        issues: [{ line: err.lines ?? 0, message: err.message }],
      });
    }
  };
  // The header alone first, so that a wrong delimiter is named before any row can fail to parse.
  const head = run({ to_line: 1 })[0];
  if (!head) throw new AppError('IMPORT_REJECTED', `${what} is empty`, { issues: [{ line: 1, message: 'no header row' }] });
  checkHeader(head.record, required, delimiter, what);
  const [, ...rest] = run({});
  return { header: head.record, rows: rest.map((r) => ({ line: r.info.lines, cells: r.record })) };
}

function checkHeader(header: string[], required: readonly string[], delimiter: string, what: string): void {
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length === 0) return;
  let hint = '';
  if (header.length === 1) {
    const seen = [';', '\t', '|', ','].find((d) => d !== delimiter && (header[0] ?? '').includes(d));
    if (seen)
      hint = ` The header has a single column: the file seems to use ${JSON.stringify(seen)} as delimiter, not ${JSON.stringify(delimiter)}.`;
  }
  throw new AppError('IMPORT_REJECTED', `${what}: missing column(s) ${missing.join(', ')} in the header.${hint}`, {
    issues: missing.map((m) => ({ line: 1, field: m, message: `missing column ${m}${hint}` })),
  });
}

/**
 * Reads the CEB country list (`DSCTRYCD.csv`: ISO2, ISO3, COUNTRY_NAME, COUNTRY_CODE, REGION, SUBREGION).
 * ISO2 is taken from ISO3 where the ISO tables know it, since the file's ISO2 column has errors.
 * @throws AppError IMPORT_REJECTED on a missing column.
 */
export function readCebCountries(file: string): Map<string, CebCountry> {
  const { header, rows } = parseCsv(
    readTextFile(file),
    ',',
    ['ISO2', 'ISO3', 'COUNTRY_NAME', 'COUNTRY_CODE'],
    path.basename(file),
  );
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, CebCountry>();
  for (const { cells } of rows) {
    const iso3 = cells[col('ISO3')] ?? '';
    const iso2 = countries.alpha3ToAlpha2(iso3) ?? cells[col('ISO2')] ?? '';
    const cebCode = cells[col('COUNTRY_CODE')] ?? '';
    if (!cebCode || !/^[A-Z]{2}$/.test(iso2)) continue;
    out.set(cebCode, {
      cebCode,
      iso2,
      name: cells[col('COUNTRY_NAME')] ?? '',
      region: col('REGION') >= 0 ? cells[col('REGION')] || null : null,
      subregion: col('SUBREGION') >= 0 ? cells[col('SUBREGION')] || null : null,
    });
  }
  return out;
}

/**
 * IANA time zone at a point (decimal degrees), from `geo-tz/all`; the first zone where several overlap.
 * The full data set is used, not geo-tz's default "since 1970" set, which merges zones that have kept the
 * same clock since 1970 (it answers `Asia/Riyadh` for Nairobi) and so loses each country's own zone.
 */
export function timeZoneAt(latitude: number, longitude: number): string | null {
  return findTimeZones(latitude, longitude)[0] ?? null;
}

/**
 * Parses and checks the CEB duty-station list without writing anything.
 * @param text the file's text; `countryList` maps CEB country codes (absent: map by English name).
 * @throws AppError IMPORT_REJECTED on a structural problem (missing column, wrong delimiter, not CSV).
 */
export function parseDutyStations(
  text: string,
  opts: {
    source: string;
    delimiter?: string;
    countryList?: Map<string, CebCountry>;
    onProgress?: (done: number, total: number) => void;
  },
): DutyStationParseResult {
  const delimiter = opts.delimiter ?? ',';
  const { header, rows } = parseCsv(text, delimiter, REQUIRED_COLUMNS, opts.source);
  const idx = Object.fromEntries(header.map((h, i) => [h, i])) as Record<string, number>;
  const get = (cells: string[], name: string) => (idx[name] === undefined ? '' : (cells[idx[name]] ?? '').trim());

  const rejected: RowIssue[] = [];
  const conflicts: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const byKey = new Map<string, { line: number; station: DutyStationInput }>();
  const byCodeAndCity = new Map<string, { line: number; country: string; countryName: string }>();

  rows.forEach(({ line, cells }, i) => {
    if (i % 250 === 0) opts.onProgress?.(i, rows.length);
    const issues: RowIssue[] = [];
    const reject = (field: string, message: string) => issues.push({ line, field, message, code: get(cells, 'CITY_CODE') });
    if (cells.length !== header.length) {
      reject('*', `has ${cells.length} fields, the header has ${header.length}`);
      rejected.push(...issues);
      return;
    }
    const cityCode = get(cells, 'CITY_CODE');
    const city = get(cells, 'CITY_NAME');
    const obsoleteRaw = get(cells, 'OBSOLETE');
    if (!/^[A-Za-z0-9]{1,10}$/.test(cityCode)) reject('CITY_CODE', `${JSON.stringify(cityCode)} is not a CEB city code`);
    if (!city) reject('CITY_NAME', 'is empty');
    if (!['', '0', '1'].includes(obsoleteRaw)) reject('OBSOLETE', `${JSON.stringify(obsoleteRaw)} is not 0 or 1`);
    const obsolete = obsoleteRaw === '1';

    const coord = (field: 'LATITUDE' | 'LONGITUDE', limit: number): number | null => {
      const raw = get(cells, field);
      if (raw === '') {
        if (!obsolete) reject(field, 'is empty on an active duty station');
        return null;
      }
      const v = NUMBER.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(v) || Math.abs(v) > limit) {
        reject(field, `${JSON.stringify(raw)} is not a decimal ${field.toLowerCase()} between -${limit} and ${limit}`);
        return null;
      }
      return v;
    };
    const latitude = coord('LATITUDE', 90);
    const longitude = coord('LONGITUDE', 180);

    const cebCountry = get(cells, 'COUNTRY_CODE');
    const countryName = get(cells, 'COUNTRY_NAME');
    let iso2: string | undefined;
    let region = get(cells, 'REGION') || null;
    let subregion = get(cells, 'SUBREGION') || null;
    if (cebCountry === '0' && countryName === '') {
      iso2 = NO_COUNTRY;
      warnings.push({
        line,
        code: cityCode,
        field: 'COUNTRY_CODE',
        message: `${cityCode} ${city} has no country in the CEB list (code 0); kept as ${NO_COUNTRY}-${cityCode}`,
      });
    } else if (opts.countryList) {
      const c = opts.countryList.get(cebCountry);
      iso2 = c?.iso2;
      region ??= c?.region ?? null;
      subregion ??= c?.subregion ?? null;
    } else {
      iso2 = countries.getAlpha2Code(countryName, 'en');
    }
    if (!iso2) {
      reject(
        'COUNTRY_CODE',
        opts.countryList
          ? `country ${JSON.stringify(countryName)} (CEB code ${cebCountry}) is not in the CEB country list`
          : `country ${JSON.stringify(countryName)} (CEB code ${cebCountry}) has no ISO 3166 code by its name; give the CEB country list with --countries DSCTRYCD.csv`,
      );
    }

    if (issues.length) {
      rejected.push(...issues);
      return;
    }
    const station: DutyStationInput = {
      code: `${iso2}-${cityCode}`,
      cityCode,
      city,
      country: iso2 as string,
      countryName: countryName || null,
      region,
      subregion,
      latitude,
      longitude,
      timeZone: latitude !== null && longitude !== null ? timeZoneAt(latitude, longitude) : null,
      obsolete,
      source: opts.source,
      basis: null,
    };

    const prior = byKey.get(station.code);
    if (prior) {
      const keepNew = prior.station.obsolete && !obsolete;
      const [kept, dropped] = keepNew ? [{ line, station }, prior] : [prior, { line, station }];
      conflicts.push({
        line: dropped.line,
        code: station.code,
        field: 'CITY_CODE',
        message: `${station.code} appears again (lines ${prior.line} and ${line}); kept line ${kept.line} (${kept.station.city}${kept.station.obsolete ? ', obsolete' : ''}), skipped line ${dropped.line} (${dropped.station.city}${dropped.station.obsolete ? ', obsolete' : ''})`,
      });
      if (keepNew) byKey.set(station.code, { line, station });
      return;
    }
    byKey.set(station.code, { line, station });

    if (!obsolete) {
      const cityKey = `${cityCode}|${city.toLowerCase()}`;
      const other = byCodeAndCity.get(cityKey);
      if (other && other.country !== station.country) {
        conflicts.push({
          line,
          code: cityCode,
          field: 'COUNTRY_CODE',
          message: `${cityCode} ${city} appears under two countries: ${other.countryName} (line ${other.line}) and ${countryName} (line ${line}); both kept as ${other.country}-${cityCode} and ${station.code}`,
        });
      } else if (!other) {
        byCodeAndCity.set(cityKey, { line, country: station.country, countryName });
      }
    }
  });
  opts.onProgress?.(rows.length, rows.length);
  return { stations: [...byKey.values()].map((v) => v.station), rowsRead: rows.length, rejected, conflicts, warnings };
}

/**
 * Imports the CEB duty-station list into the directory, all or nothing, in one transaction.
 * Records an import run (succeeded or rejected) with every issue.
 * @returns what was read, written, rejected and found in conflict.
 * @throws AppError IMPORT_REJECTED (with `issues` by line) when any row is rejected, a column is missing,
 *   or (with `strict`) a conflict is found; nothing is written then.
 */
export async function importDutyStations(db: Kysely<Database>, opts: DutyStationImportOptions): Promise<DutyStationImportReport> {
  const startedAt = new Date();
  const source = path.basename(opts.file);
  const record = (status: 'succeeded' | 'rejected', rowsRead: number, written: number, issues: unknown[]) =>
    recordImportRun(db, { kind: 'duty-stations', file: source, status, rowsRead, written, issues, startedAt });
  try {
    const countriesFile = opts.countriesFile ?? path.join(path.dirname(opts.file), 'DSCTRYCD.csv');
    const countryList = opts.countriesFile || fs.existsSync(countriesFile) ? readCebCountries(countriesFile) : undefined;
    const parsed = parseDutyStations(readTextFile(opts.file), {
      source,
      ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
      ...(countryList ? { countryList } : {}),
      onProgress: (d, t) => opts.onProgress?.('check', d, t),
    });
    const blocking = opts.strict ? [...parsed.rejected, ...parsed.conflicts] : parsed.rejected;
    if (blocking.length) {
      await record('rejected', parsed.rowsRead, 0, [...parsed.rejected, ...parsed.conflicts]);
      throw new AppError('IMPORT_REJECTED', `${source}: ${blocking.length} row issue(s); nothing was imported`, {
        issues: blocking,
        details: { conflicts: parsed.conflicts },
      });
    }
    const total = parsed.stations.length;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < total; i += 1000) {
        await upsertDutyStations(trx, parsed.stations.slice(i, i + 1000));
        opts.onProgress?.('write', Math.min(i + 1000, total), total);
      }
      await recordImportRun(trx, {
        kind: 'duty-stations',
        file: source,
        status: 'succeeded',
        rowsRead: parsed.rowsRead,
        written: total,
        issues: [...parsed.conflicts, ...parsed.warnings],
        startedAt,
      });
    });
    return {
      file: source,
      rowsRead: parsed.rowsRead,
      written: total,
      obsolete: parsed.stations.filter((s) => s.obsolete).length,
      rejected: [],
      conflicts: parsed.conflicts,
      warnings: parsed.warnings,
    };
  } catch (e) {
    if (e instanceof AppError && e.code === 'IMPORT_REJECTED' && !(e.details && 'conflicts' in e.details)) {
      await record('rejected', 0, 0, e.issues);
    }
    throw e;
  }
}
