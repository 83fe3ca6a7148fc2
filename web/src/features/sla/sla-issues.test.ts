/**
 * The SLA editors' field problems and rejected import rows read in the UI language: the issues the SLA engine
 * really writes (its own functions, run here) are each read as a kind, and a French row reads in French with
 * its line and column interpolated (it showed the API's English message).
 */
import { describe, expect, it } from 'vitest';
import { compileCalendar, parseSlaTarget } from '../../../../src/modules/sla/business-calendar.ts';
import { parseHolidaysCsv, parseHolidaysIcs } from '../../../../src/modules/sla/calendars.ts';
import { AppError } from '../../../../src/server/errors.ts';
import { ApiError } from '../../api/client.ts';
import { fieldProblemText } from '../../lib/field-problems.ts';
import { translator } from '../../lib/test-translator.ts';
import coreEn from '../../locales/en.json';
import coreFr from '../../locales/fr.json';
import casesEn from '../cases/locales/en.json';
import casesFr from '../cases/locales/fr.json';
import slaEn from './locales/en.json';
import slaFr from './locales/fr.json';
import { issuesOf, type SlaIssue } from './sla-issues.ts';

/** The issues of the AppError `run` throws, as the web receives them (a problem document's `errors`). */
function issuesThrownBy(run: () => unknown): SlaIssue[] {
  try {
    run();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return issuesOf(new ApiError({ code: e.code, detail: e.message, status: e.status, errors: e.issues }));
  }
  throw new Error('no error thrown');
}

const fr = { ...coreFr, ...casesFr, ...slaFr };
const en = { ...coreEn, ...casesEn, ...slaEn };

/** A listed issue as ProblemAlert writes it (useIssueLine). */
async function lineOf(lng: 'en' | 'fr', i: SlaIssue): Promise<string> {
  const t = await translator(lng, lng === 'fr' ? fr : en);
  const problem = fieldProblemText(t, lng, i.problem) ?? '';
  if (i.line !== undefined && i.field) return t('sla.problems.lineField', { line: i.line, field: i.field, problem });
  if (i.line !== undefined) return t('sla.problems.lineOnly', { line: i.line, problem });
  return problem;
}

describe('SLA issues in the UI language', () => {
  it('reads a rejected CSV row in French, its line and column interpolated', async () => {
    const issues = issuesThrownBy(() => parseHolidaysCsv('date,name\n2026-01-01,New Year\n2026-02-30,Nope\n'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.problem.kind).toBe('text');
    expect(await lineOf('fr', issues[0] as SlaIssue)).toBe(
      'Ligne 3, colonne date : « 2026-02-30 » n’est pas une date réelle (AAAA-MM-JJ)',
    );
    expect(await lineOf('en', issues[0] as SlaIssue)).toBe('Line 3, column date: “2026-02-30” is not a real date (YYYY-MM-DD)');
  });

  it('reads every wording of the holiday imports, the targets and the calendar engine as a kind (none shown raw)', async () => {
    const thrown = [
      () => parseHolidaysCsv('2026-01-01,New Year\n'),
      () => parseHolidaysCsv('day,name\n2026-01-01,x\n'),
      () =>
        parseHolidaysIcs(
          'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSUMMARY:Party\nDTSTART:20260101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n',
        ),
      () =>
        parseHolidaysIcs(
          'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nSUMMARY:Not a day\nDTSTART;VALUE=DATE:20260230\nEND:VEVENT\nEND:VCALENDAR\n',
        ),
      () =>
        parseHolidaysIcs(
          'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c\nSUMMARY:Back\nDTSTART;VALUE=DATE:20260305\nDTEND;VALUE=DATE:20260301\nEND:VEVENT\nEND:VCALENDAR\n',
        ),
      () => parseSlaTarget('P1DT2H'),
      () => parseSlaTarget('2 hours'),
      () => parseSlaTarget('P9999D'),
      () =>
        compileCalendar({
          timeZone: 'Mars/Olympus',
          week: {
            mon: [['09:00', '25:00']],
            tue: [
              ['09:00', '12:00'],
              ['11:00', '13:00'],
            ],
            wed: [['9']],
          },
          holidays: ['2026-13-01'],
        } as never),
    ];
    const issues = thrown.flatMap(issuesThrownBy);
    expect(issues.length).toBeGreaterThanOrEqual(thrown.length);
    for (const i of issues) {
      expect(i.problem.kind, `${i.field}: ${i.message}`).not.toBe('server');
      const text = await lineOf('fr', i);
      expect(text, i.message).not.toContain(i.message);
      expect(text).not.toMatch(/\{\{|sla\.issue\./);
    }
  });

  it('shows a wording it cannot read as a generic French text, and as the server wrote it in English', async () => {
    const [issue] = issuesOf(
      new ApiError({
        code: 'VALIDATION_FAILED',
        detail: 'x',
        status: 400,
        errors: [{ field: 'body.basis', message: 'smells odd' }],
      }),
    );
    expect(issue?.field).toBe('basis');
    expect(await lineOf('fr', issue as SlaIssue)).toBe('Cette valeur a été refusée');
    expect(await lineOf('en', issue as SlaIssue)).toBe('smells odd');
  });
});
