import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_KM, greatCircleKm, utcOffsetMinutes, workingHoursOverlap } from './geo.ts';

describe('great-circle distance', () => {
  it('is 0 for one point, a quarter of a great circle from the equator to a pole, half to the antipode', () => {
    expect(greatCircleKm(-1.29, 36.82, -1.29, 36.82)).toBe(0);
    expect(greatCircleKm(0, 0, 90, 0)).toBeCloseTo((Math.PI / 2) * EARTH_RADIUS_KM, 6);
    expect(greatCircleKm(10, 20, -10, -160)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 0);
  });

  it('measures Geneva to Nairobi at about 6,000 km, the same both ways', () => {
    const a = greatCircleKm(46.2, 6.15, -1.29, 36.82);
    expect(a).toBeGreaterThan(5900);
    expect(a).toBeLessThan(6100);
    expect(greatCircleKm(-1.29, 36.82, 46.2, 6.15)).toBeCloseTo(a, 9);
  });
});

describe('working-hours overlap (09:00-17:00, Monday to Friday, local time)', () => {
  it('is the whole day in one zone and nothing eight hours apart', () => {
    expect(workingHoursOverlap('Africa/Nairobi', 'Africa/Nairobi', '2026-01-14')).toBe(8);
    // January: New York UTC-5, Nairobi UTC+3.
    expect(workingHoursOverlap('America/New_York', 'Africa/Nairobi', '2026-01-14')).toBe(0);
  });

  it('follows daylight saving time: Geneva-Nairobi is 6 hours in January and 7 in July', () => {
    expect(workingHoursOverlap('Europe/Zurich', 'Africa/Nairobi', '2026-01-14')).toBe(6);
    expect(workingHoursOverlap('Europe/Zurich', 'Africa/Nairobi', '2026-07-15')).toBe(7);
    expect(utcOffsetMinutes('Europe/Zurich', Date.UTC(2026, 6, 15, 12))).toBe(120);
  });

  it('counts days across the date line only when both sides are at work', () => {
    // Suva (UTC+12) Tuesday to Friday meet Honolulu (UTC-10) Monday to Thursday for 6 hours; Suva's
    // Monday meets Honolulu's Sunday: 4 x 6 / 5 working days.
    expect(workingHoursOverlap('Pacific/Fiji', 'Pacific/Honolulu', '2026-01-14')).toBe(4.8);
  });
});
