/** Holidays read from iCalendar files: impossible dates are refused with their line, not rolled over. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { parseHolidaysIcs } from './calendars.ts';

const ics = (...events: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    ...events.flatMap((e) => ['BEGIN:VEVENT', ...e.split('\n'), 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

function refusal(text: string): AppError {
  try {
    parseHolidaysIcs(text);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('holidays from iCalendar', () => {
  it('reads all-day events, a multi-day one day by day up to its exclusive end', () => {
    expect(
      parseHolidaysIcs(
        ics(
          'UID:a\nSUMMARY:Christmas\nDTSTART;VALUE=DATE:20261225',
          'UID:b\nSUMMARY:Eid\nDTSTART;VALUE=DATE:20270309\nDTEND;VALUE=DATE:20270311',
        ),
      ),
    ).toEqual([
      { date: '2026-12-25', name: 'Christmas' },
      { date: '2027-03-09', name: 'Eid' },
      { date: '2027-03-10', name: 'Eid' },
    ]);
  });

  it('refuses a start or an end that is not a real date (ical.js rolled 20260230 over to 2026-03-02), naming its line', () => {
    for (const bad of ['20260230', '20269999', '2026123', '20261325']) {
      const e = refusal(ics(`UID:x\nSUMMARY:Bad\nDTSTART;VALUE=DATE:${bad}`));
      expect(e.code).toBe('IMPORT_REJECTED');
      expect(e.issues).toEqual([{ line: 6, field: 'DTSTART', message: `event 1 (Bad): ${bad} is not a real date (YYYYMMDD)` }]);
    }
    const end = refusal(ics('UID:y\nSUMMARY:Long\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270132'));
    expect(end.issues).toEqual([{ line: 7, field: 'DTEND', message: 'event 1 (Long): 20270132 is not a real date (YYYYMMDD)' }]);
    // what follows the digits, and the extended form, are not iCalendar dates either; said as written
    for (const bad of ['20260302abc', '2026-03-02']) {
      expect(refusal(ics(`UID:z\nSUMMARY:Odd\nDTSTART;VALUE=DATE:${bad}`)).issues).toEqual([
        { line: 6, field: 'DTSTART', message: `event 1 (Odd): ${bad} is not a real date (YYYYMMDD)` },
      ]);
    }
  });

  it('refuses an end that is not after the start, and names the line of a missing start', () => {
    const e = refusal(ics('UID:w\nSUMMARY:Back\nDTSTART;VALUE=DATE:20260305\nDTEND;VALUE=DATE:20260301'));
    expect(e.issues).toEqual([
      {
        line: 7,
        field: 'DTEND',
        message: 'event 1 (Back): DTEND 20260301 is not after DTSTART 20260305 (the end is the day after the last)',
      },
    ]);
    expect(refusal(ics('UID:a\nSUMMARY:One\nDTSTART;VALUE=DATE:20260101', 'UID:b\nSUMMARY:None')).issues).toEqual([
      { line: 8, field: 'DTSTART', message: 'event 2 has no DTSTART' },
    ]);
  });
});
