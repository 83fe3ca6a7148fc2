import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { type CebCountry, parseDutyStations, timeZoneAt } from './duty-station-import.ts';

const HEADER =
  'CITY_CODE,CITY_NAME,CITY_COMMON_NAME,COUNTRY_CODE,COUNTRY_NAME,REGION,SUBREGION,LATITUDE,LONGITUDE,EFFECTIVE,OBSOLETE';
const countries = new Map<string, CebCountry>([
  ['4020', { cebCode: '4020', iso2: 'SD', name: 'Sudan', region: 'Africa', subregion: 'Northern Africa' }],
  ['4021', { cebCode: '4021', iso2: 'SS', name: 'South Sudan', region: 'Africa', subregion: 'Sub-Saharan Africa' }],
  ['1000', { cebCode: '1000', iso2: 'CH', name: 'Switzerland', region: 'Europe', subregion: 'Western Europe' }],
]);

function parse(lines: string[], delimiter?: string) {
  return parseDutyStations([HEADER, ...lines].join('\n'), {
    source: 'test.csv',
    countryList: countries,
    ...(delimiter ? { delimiter } : {}),
  });
}

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('parseDutyStations', () => {
  it('keys stations by ISO country and city code and derives the time zone from the coordinates', () => {
    const r = parse(['GE010,Geneva,Geneva,1000,Switzerland,Europe,Western Europe,46.2,6.15,,0']);
    expect(r.rejected).toEqual([]);
    expect(r.stations).toHaveLength(1);
    expect(r.stations[0]).toMatchObject({
      code: 'CH-GE010',
      country: 'CH',
      city: 'Geneva',
      timeZone: 'Europe/Zurich',
      obsolete: false,
    });
  });

  it('reports the same code and city under two countries as a conflict with both line numbers, keeping both', () => {
    const r = parse([
      'JU020,Juba,Juba,4020,Sudan,Africa,Northern Africa,12.15,24.45,2021,0',
      'JU020,Juba,Juba,4021,South Sudan,Africa,Sub-Saharan Africa,4.8481,31.591828,2021,0',
    ]);
    expect(r.stations.map((s) => s.code).sort()).toEqual(['SD-JU020', 'SS-JU020']);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]?.line).toBe(3);
    expect(r.conflicts[0]?.message).toContain('line 2');
    expect(r.stations.find((s) => s.code === 'SS-JU020')?.timeZone).toBe('Africa/Juba');
  });

  it('keeps the active row when a key appears twice, one of them obsolete', () => {
    const r = parse([
      'BU010,Bucarest,Bucarest,1000,Switzerland,Europe,Western Europe,44.43,26.1,,1',
      'BU010,Bucharest,Bucharest,1000,Switzerland,Europe,Western Europe,44.43,26.1,,0',
    ]);
    expect(r.stations).toHaveLength(1);
    expect(r.stations[0]?.city).toBe('Bucharest');
    expect(r.conflicts[0]?.line).toBe(2);
  });

  it('rejects a bad coordinate, naming the line and the field', () => {
    const r = parse([
      'GE010,Geneva,Geneva,1000,Switzerland,Europe,Western Europe,46.2,6.15,,0',
      'GE020,X,X,1000,Switzerland,Europe,Western Europe,146.2,abc,,0',
    ]);
    expect(r.rejected.map((i) => [i.line, i.field])).toEqual([
      [3, 'LATITUDE'],
      [3, 'LONGITUDE'],
    ]);
  });

  it('accepts an obsolete station without coordinates but rejects an active one', () => {
    const r = parse([
      'AA001,Old,Old,1000,Switzerland,Europe,Western Europe,,,,1',
      'AA002,New,New,1000,Switzerland,Europe,Western Europe,,,,0',
    ]);
    expect(r.stations.map((s) => s.code)).toEqual(['CH-AA001']);
    expect(r.stations[0]?.timeZone).toBeNull();
    expect(r.rejected.map((i) => i.line)).toEqual([3, 3]);
  });

  it('keeps stations without a country under XX with a warning', () => {
    const r = parse(['JE000,Jerusalem,Jerusalem,0,,Asia,Western Asia,31.77,35.22,,0']);
    expect(r.stations[0]?.code).toBe('XX-JE000');
    expect(r.warnings[0]).toMatchObject({ line: 2, field: 'COUNTRY_CODE' });
  });

  it('rejects an unknown country and a row with too few fields', () => {
    const r = parse(['AA001,A,A,9999,Nowhere,Europe,Western Europe,1,1,,0', 'AA002,B,B,1000']);
    expect(r.rejected.map((i) => [i.line, i.field])).toEqual([
      [2, 'COUNTRY_CODE'],
      [3, '*'],
    ]);
  });

  it('rejects a file with a missing column, naming it', () => {
    const text = ['CITY_CODE,CITY_NAME,COUNTRY_CODE,COUNTRY_NAME,REGION,SUBREGION,LATITUDE,OBSOLETE', 'A,B,1000,C,D,E,1,0'].join(
      '\n',
    );
    const e = rejection(() => parseDutyStations(text, { source: 't.csv', countryList: countries }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.issues).toEqual([expect.objectContaining({ line: 1, field: 'LONGITUDE' })]);
  });

  it('says when the delimiter is wrong', () => {
    const text = [HEADER.replaceAll(',', ';'), 'GE010;Geneva;Geneva;1000;Switzerland;Europe;Western Europe;46.2;6.15;;0'].join(
      '\n',
    );
    const e = rejection(() => parseDutyStations(text, { source: 't.csv', countryList: countries }));
    expect(e.message).toContain('";"');
    const ok = parseDutyStations(text, { source: 't.csv', countryList: countries, delimiter: ';' });
    expect(ok.stations).toHaveLength(1);
  });

  it('strips a byte-order mark', () => {
    const r = parseDutyStations(`\uFEFF${HEADER}\nGE010,Geneva,Geneva,1000,Switzerland,Europe,Western Europe,46.2,6.15,,0`, {
      source: 't.csv',
      countryList: countries,
    });
    expect(r.stations).toHaveLength(1);
  });
});

describe('timeZoneAt', () => {
  it('finds zones on both sides of the date line and at duty stations with Sunday-Thursday weeks', () => {
    expect(timeZoneAt(40.75, -73.97)).toBe('America/New_York');
    expect(timeZoneAt(34.53, 69.17)).toBe('Asia/Kabul');
    expect(timeZoneAt(-18.14, 178.44)).toBe('Pacific/Fiji');
    // The country's own zone, not one merged with it because the clocks agree since 1970.
    expect(timeZoneAt(-1.2833, 36.8167)).toBe('Africa/Nairobi');
    expect(timeZoneAt(0.05, 32.46)).toBe('Africa/Kampala');
  });
});
