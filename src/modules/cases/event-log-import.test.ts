import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { DEFAULT_LEVEL } from './cases.schema.ts';
import {
  buildImportedCases,
  casePriority,
  type EventLogSpec,
  PRESETS,
  parseEventLog,
  priorityOfValue,
  resolveEventLogSpec,
  scaleOfValue,
  stateOfActivity,
  timestampParser,
} from './event-log-import.ts';
import { priorityOf } from './lifecycle.ts';

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe('timestampParser', () => {
  it('reads ISO timestamps with offsets, Z, or in the given zone when they carry none', () => {
    const brussels = timestampParser('iso', 'Europe/Brussels');
    expect(iso(brussels('2010-03-31T15:59:42+01:00'))).toBe('2010-03-31T14:59:42.000Z');
    expect(iso(brussels('2012-05-16T00:22:58-05:30'))).toBe('2012-05-16T05:52:58.000Z');
    expect(iso(brussels('2012-05-16T00:22:58Z'))).toBe('2012-05-16T00:22:58.000Z');
    // No offset: Brussels wall time, winter (UTC+1) and summer (UTC+2).
    expect(iso(brussels('2012-01-16 10:00'))).toBe('2012-01-16T09:00:00.000Z');
    expect(iso(brussels('2012-07-16T10:00:00.250'))).toBe('2012-07-16T08:00:00.250Z');
  });

  it('refuses impossible dates and times', () => {
    const p = timestampParser('iso', 'UTC');
    for (const bad of [
      '2010-02-31T10:00:00+01:00',
      '2010-13-01T10:00:00Z',
      '2011-02-29T10:00:00Z',
      '2010-03-31T24:00:00Z',
      'yesterday',
      '',
    ]) {
      expect(p(bad), bad).toBeNull();
    }
    expect(iso(p('2012-02-29T10:00:00Z'))).toBe('2012-02-29T10:00:00.000Z');
  });

  it('reads d/M/yyyy H:mm as UTC or in a zone, and d/m/yyyy hh:mm the same way', () => {
    expect(iso(timestampParser('d/M/yyyy H:mm', 'UTC')('29/2/2016 01:16'))).toBe('2016-02-29T01:16:00.000Z');
    expect(iso(timestampParser('d/M/yyyy H:mm', 'UTC')('5/3/2016 12:00'))).toBe('2016-03-05T12:00:00.000Z');
    const ny = timestampParser('d/m/yyyy hh:mm', 'America/New_York');
    expect(iso(ny('29/2/2016 01:16'))).toBe('2016-02-29T06:16:00.000Z');
    expect(iso(ny('4/7/2016 12:00'))).toBe('2016-07-04T16:00:00.000Z');
    // 02:30 on the spring-forward night does not exist in New York: moved forward by the gap (03:30 EDT);
    // 01:30 on the fall-back night occurs twice: the earlier (EDT) is taken.
    expect(iso(ny('13/3/2016 02:30'))).toBe('2016-03-13T07:30:00.000Z');
    expect(iso(ny('6/11/2016 01:30'))).toBe('2016-11-06T05:30:00.000Z');
    const brussels = timestampParser('d/M/yyyy H:mm', 'Europe/Brussels');
    expect(iso(brussels('27/3/2016 02:30'))).toBe('2016-03-27T01:30:00.000Z');
    expect(iso(brussels('30/10/2016 02:30'))).toBe('2016-10-30T00:30:00.000Z');
    expect(ny('31/4/2016 10:00')).toBeNull();
    expect(ny('2016-04-01 10:00')).toBeNull();
  });

  it('refuses a format without a year, month or day', () => {
    expect(() => timestampParser('HH:mm', 'UTC')).toThrow(/no yyyy/);
  });
});

describe('stateOfActivity', () => {
  it('maps every status of the BPIC 2013 log', () => {
    expect(
      Object.fromEntries(
        [
          'Accepted-In Progress',
          'Queued-Awaiting Assignment',
          'Completed-Resolved',
          'Completed-Closed',
          'Accepted-Wait - User',
          'Accepted-Assigned',
          'Completed-In Call',
          'Accepted-Wait',
          'Accepted-Wait - Implementation',
          'Accepted-Wait - Vendor',
          'Accepted-Wait - Customer',
          'Unmatched-Unmatched',
          'Completed-Cancelled',
        ].map((a) => [a, stateOfActivity(a)]),
      ),
    ).toEqual({
      'Accepted-In Progress': 'in-progress',
      'Queued-Awaiting Assignment': 'new',
      'Completed-Resolved': 'resolved',
      'Completed-Closed': 'closed',
      'Accepted-Wait - User': 'awaiting-client',
      'Accepted-Assigned': 'in-progress',
      'Completed-In Call': 'resolved',
      'Accepted-Wait': 'awaiting-client',
      'Accepted-Wait - Implementation': 'in-progress',
      'Accepted-Wait - Vendor': 'in-progress',
      'Accepted-Wait - Customer': 'awaiting-client',
      'Unmatched-Unmatched': null,
      'Completed-Cancelled': 'cancelled',
    });
  });

  it('maps every state of the ServiceNow log', () => {
    expect(
      Object.fromEntries(
        [
          'New',
          'Active',
          'Awaiting User Info',
          'Awaiting Vendor',
          'Awaiting Problem',
          'Awaiting Evidence',
          'Resolved',
          'Closed',
          '-100',
        ].map((a) => [a, stateOfActivity(a)]),
      ),
    ).toEqual({
      New: 'new',
      Active: 'in-progress',
      'Awaiting User Info': 'awaiting-client',
      'Awaiting Vendor': 'in-progress',
      'Awaiting Problem': 'in-progress',
      'Awaiting Evidence': 'awaiting-client',
      Resolved: 'resolved',
      Closed: 'closed',
      '-100': null,
    });
  });
});

describe('priority, impact and urgency', () => {
  it('reads ServiceNow numbered values and BPIC impact words', () => {
    expect(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low', '5 - Planning'].map(priorityOfValue)).toEqual([
      'P1',
      'P2',
      'P3',
      'P4',
      'P4',
    ]);
    expect(['Major', 'High', 'Medium', 'Low', 'whatever'].map(priorityOfValue)).toEqual(['P1', 'P2', 'P3', 'P4', null]);
    expect(['1 - High', '2 - Medium', '3 - Low', 'Low', '7'].map(scaleOfValue)).toEqual([1, 2, 3, 3, null]);
  });

  it("fills impact and urgency from the priority, the priority from impact and urgency, else the API's default P3", () => {
    expect(casePriority('P2', null, null)).toEqual({ priority: 'P2', impact: 1, urgency: 2 });
    expect(casePriority('P3', 2, 1)).toEqual({ priority: 'P3', impact: 2, urgency: 1 });
    expect(casePriority(null, 1, 1)).toEqual({ priority: 'P1', impact: 1, urgency: 1 });
    expect(casePriority(null, 3, null)).toEqual({ priority: 'P4', impact: 3, urgency: 2 });
    // no value at all: medium and medium, as a request sent to the API without impact and urgency
    expect(casePriority(null, null, null)).toEqual({ priority: 'P3', impact: 2, urgency: 2 });
    expect(casePriority(null, null, null).priority).toBe(priorityOf(DEFAULT_LEVEL, DEFAULT_LEVEL));
  });
});

const BPIC_HEADER =
  '\uFEFFSR Number,Change Date+Time,Status,Sub Status,Activity,Activity Level,Involved ST Function Div,Involved Org line 3,Involved ST,Involved ST 2,ST Level,SR Latest Impact,Product,Country,Owner Country,Owner First Name,Resource';
const bpicRow = (id: string, at: string, activity: string, team: string, level: string, resource: string, impact = 'Medium') =>
  `${id},${at},x,y,${activity},${activity}-${level},A2_4,Org line A2,${team},${team.split(' ')[0]},${level},${impact},PROD582,fr,France,Frederic,${resource}`;

function bpic(lines: string[]) {
  const spec = resolveEventLogSpec({ file: 'bpic.csv', preset: 'bpic2013' });
  return { spec, parsed: parseEventLog([BPIC_HEADER, ...lines].join('\r\n'), spec, { source: 'bpic.csv' }) };
}

describe('parseEventLog', () => {
  it('reads a BPIC log with a byte-order mark and offsets into UTC events', () => {
    const { parsed } = bpic([
      bpicRow('1-1', '2010-03-31T15:59:42+01:00', 'Accepted-In Progress', 'V30', 'L1', 'fr-Frederic'),
      bpicRow('1-1', '2010-03-31T16:45:48+01:00', 'Queued-Awaiting Assignment', 'V5 3rd', 'L3', 'fr-Frederic'),
    ]);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rowsRead).toBe(2);
    expect(parsed.events[0]).toMatchObject({
      line: 2,
      caseId: '1-1',
      at: Date.UTC(2010, 2, 31, 14, 59, 42),
      activity: 'Accepted-In Progress',
      team: 'V30',
      level: 'L1',
      resource: 'fr-Frederic',
      priority: 'P3',
      title: ['PROD582'],
    });
    expect(parsed.events[1]?.team).toBe('V5 3rd');
  });

  it('reads a ServiceNow log: d/M/yyyy H:mm in the given zone and ? as missing', () => {
    const header =
      'number,incident_state,sys_updated_at,assignment_group,assigned_to,priority,impact,urgency,opened_at,resolved_at';
    const spec = resolveEventLogSpec({ file: 'sn.csv', preset: 'servicenow', format: { timeZone: 'Europe/Madrid' } });
    const parsed = parseEventLog(
      [
        header,
        'INC1,New,29/2/2016 01:23,?,?,3 - Moderate,2 - Medium,2 - Medium,29/2/2016 01:16,?',
        'INC1,Active,1/7/2016 10:00,Group 56,Resolver 9,2 - High,1 - High,2 - Medium,29/2/2016 01:16,?',
      ].join('\n'),
      { ...spec, columns: { ...spec.columns, title: [], fields: {}, closedAt: undefined } } as EventLogSpec,
      { source: 'sn.csv' },
    );
    expect(parsed.rejected).toEqual([]);
    expect(
      parsed.events.map((e) => [iso(e.at), e.team, e.resource, e.priority, e.impact, iso(e.openedAt), e.resolvedAt]),
    ).toEqual([
      ['2016-02-29T00:23:00.000Z', null, null, 'P3', 2, '2016-02-29T00:16:00.000Z', null],
      ['2016-07-01T08:00:00.000Z', 'Group 56', 'Resolver 9', 'P2', 1, '2016-02-29T00:16:00.000Z', null],
    ]);
  });

  it('reports each bad row by its line, counting lines inside quoted fields', () => {
    const { parsed } = bpic([
      bpicRow('1-1', '2010-03-31T15:59:42+01:00', 'Accepted-In Progress', 'V30', 'L1', '"fr-Fre\nderic"'),
      bpicRow('1-1', '2010-03-31 25:00', 'Accepted-In Progress', 'V30', 'L1', 'x'),
      bpicRow('', '2010-03-31T15:59:42+01:00', 'Accepted-In Progress', 'V30', 'L1', 'x'),
      bpicRow('1-2', '2010-03-31T15:59:42+01:00', '', 'V30', 'L1', 'x', 'Huge'),
      '1-3,2010-03-31T15:59:42+01:00,too,short',
    ]);
    expect(parsed.rowsRead).toBe(5);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.rejected.map((i) => [i.line, i.field])).toEqual([
      [4, 'Change Date+Time'],
      [5, 'SR Number'],
      [6, 'Activity'],
      [6, 'SR Latest Impact'],
      [7, '*'],
    ]);
    expect(parsed.rejected[0]?.message).toBe('"2010-03-31 25:00" is not a valid timestamp as an ISO 8601 timestamp');
    expect(parsed.rejected[0]?.case).toBe('1-1');
    expect(parsed.rejected[4]?.message).toBe('has 4 fields, the header has 17');
  });

  it('rejects the file when a mapped column is missing, naming it, and hints at the delimiter', () => {
    const spec = resolveEventLogSpec({ file: 'x.csv', preset: 'bpic2013' });
    const e1 = rejection(() => parseEventLog('SR Number,Activity,Change Date+Time\n1,a,b', spec, { source: 'x.csv' }));
    expect(e1.code).toBe('IMPORT_REJECTED');
    expect(e1.issues.map((i) => i.field)).toEqual([
      'Involved ST',
      'Resource',
      'ST Level',
      'SR Latest Impact',
      'Product',
      'Country',
      'Involved Org line 3',
    ]);
    const e2 = rejection(() => parseEventLog('SR Number;Activity;Change Date+Time\n1;a;b', spec, { source: 'x.csv' }));
    expect(e2.message).toMatch(/seems to use ";" as delimiter/);
  });
});

describe('buildImportedCases', () => {
  const target = { referencePrefix: 'BPI', titleNoun: 'Incident' };

  it('makes one segment per run of the same team, ended by the next and closed with the case', () => {
    const { parsed } = bpic([
      bpicRow('1-9', '2010-01-01T10:00:00+01:00', 'Accepted-In Progress', 'V30', 'L1', 'a', 'Low'),
      bpicRow('1-9', '2010-01-01T11:00:00+01:00', 'Queued-Awaiting Assignment', 'V5 3rd', 'L3', 'a', 'Low'),
      bpicRow('1-9', '2010-01-02T09:00:00+01:00', 'Accepted-Wait - User', 'V5 3rd', 'L3', 'b', 'Low'),
      bpicRow('1-9', '2010-01-03T09:00:00+01:00', 'Queued-Awaiting Assignment', 'V30', 'L1', 'b', 'High'),
      bpicRow('1-9', '2010-01-04T09:00:00+01:00', 'Completed-Resolved', 'V30', 'L1', 'c', 'High'),
      bpicRow('1-9', '2010-01-05T09:00:00+01:00', 'Unmatched-Unmatched', 'V30', 'L1', 'c', 'High'),
      bpicRow('1-9', '2010-01-12T09:00:00+01:00', 'Completed-Closed', 'V30', 'L1', 'Siebel', 'High'),
    ]);
    const { cases, unmappedActivities } = buildImportedCases(parsed.events, target);
    expect(cases).toHaveLength(1);
    const c = cases[0];
    expect(c).toMatchObject({
      externalId: '1-9',
      reference: 'BPI-1-9',
      title: 'Incident 1-9: PROD582',
      state: 'closed',
      priority: 'P2',
      impact: 1,
      urgency: 2,
      team: 'V30',
      fields: { product: 'PROD582', country: 'fr', impact: 'High', orgLine: 'Org line A2' },
    });
    expect(c?.createdAt.toISOString()).toBe('2010-01-01T09:00:00.000Z');
    expect(c?.resolvedAt?.toISOString()).toBe('2010-01-04T08:00:00.000Z');
    expect(c?.closedAt?.toISOString()).toBe('2010-01-12T08:00:00.000Z');
    expect(c?.events.map((e) => e.state)).toEqual(['in-progress', 'new', 'awaiting-client', 'new', 'resolved', null, 'closed']);
    expect(c?.segments.map((s) => [s.team, s.startedAt.toISOString(), s.endedAt?.toISOString(), s.endReason])).toEqual([
      ['V30', '2010-01-01T09:00:00.000Z', '2010-01-01T10:00:00.000Z', 'handoff'],
      ['V5 3rd', '2010-01-01T10:00:00.000Z', '2010-01-03T08:00:00.000Z', 'handoff'],
      ['V30', '2010-01-03T08:00:00.000Z', '2010-01-12T08:00:00.000Z', 'closed'],
    ]);
    expect(unmappedActivities).toEqual({ 'Unmatched-Unmatched': 1 });
  });

  it('keeps the last segment open on a case still held, sorts events out of order with a warning, and starts at the opening', () => {
    const spec = resolveEventLogSpec({ file: 'sn.csv', preset: 'servicenow' });
    const header = 'number,incident_state,sys_updated_at,assignment_group,opened_at,resolved_at,closed_at';
    const parsed = parseEventLog(
      [
        header,
        'INC7,Active,29/2/2016 11:10,Group 1,29/2/2016 09:00,?,?',
        'INC7,New,29/2/2016 09:52,?,29/2/2016 09:00,?,?',
        'INC8,New,1/3/2016 10:00,Group 2,1/3/2016 09:59,2/3/2016 10:00,3/3/2016 10:00',
      ].join('\n'),
      {
        ...spec,
        columns: {
          ...spec.columns,
          resource: undefined,
          priority: undefined,
          impact: undefined,
          urgency: undefined,
          title: [],
          fields: {},
        },
      } as EventLogSpec,
      { source: 'sn.csv' },
    );
    expect(parsed.rejected).toEqual([]);
    const { cases, warnings } = buildImportedCases(parsed.events, { referencePrefix: 'SN', titleNoun: 'Incident' });
    const [c7, c8] = cases;
    expect(c7?.events.map((e) => e.activity)).toEqual(['New', 'Active']);
    expect(c7?.state).toBe('in-progress');
    expect(c7).toMatchObject({ priority: 'P3', impact: 2, urgency: 2 }); // no priority column: the API's default
    expect(c7?.createdAt.toISOString()).toBe('2016-02-29T09:00:00.000Z');
    expect(c7?.segments.map((s) => [s.team, s.startedAt.toISOString(), s.endedAt?.toISOString() ?? null])).toEqual([
      [null, '2016-02-29T09:00:00.000Z', '2016-02-29T11:10:00.000Z'],
      ['Group 1', '2016-02-29T11:10:00.000Z', null],
    ]);
    expect(c8).toMatchObject({ state: 'new', resolvedAt: null, closedAt: null });
    expect(warnings.map((w) => [w.case, w.line])).toEqual([
      ['INC7', 3],
      ['INC8', 4],
    ]);
    expect(warnings[1]?.message).toMatch(
      /ends new .* resolved at 2016-03-02T10:00:00.000Z and closed at 2016-03-03T10:00:00.000Z/,
    );
  });

  it('takes the resolution time from the log when it gives one, and a cancellation as the close', () => {
    const { parsed } = bpic([
      bpicRow('1-5', '2010-01-01T10:00:00+01:00', 'Accepted-In Progress', 'V30', 'L1', 'a'),
      bpicRow('1-5', '2010-01-02T10:00:00+01:00', 'Completed-Cancelled', 'V30', 'L1', 'a'),
      bpicRow('1-6', '2010-01-01T10:00:00+01:00', 'Completed-In Call', 'V30', 'L1', 'a'),
    ]);
    const [c5, c6] = buildImportedCases(parsed.events, target).cases;
    expect(c5).toMatchObject({ state: 'cancelled', resolvedAt: null });
    expect(c5?.closedAt?.toISOString()).toBe('2010-01-02T09:00:00.000Z');
    expect(c5?.segments[0]?.endReason).toBe('cancelled');
    expect(c6).toMatchObject({ state: 'resolved', closedAt: null });
    expect(c6?.resolvedAt?.toISOString()).toBe('2010-01-01T09:00:00.000Z');
    expect(c6?.segments[0]?.endedAt).toBeNull();
  });
});

describe('resolveEventLogSpec', () => {
  it('needs the case, activity and timestamp columns without a preset, and a real time zone', () => {
    const e = rejection(() => resolveEventLogSpec({ file: 'my-log.csv', columns: { case: 'id' } }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.issues.map((i) => i.field)).toEqual(['activity', 'timestamp']);
    const z = rejection(() => resolveEventLogSpec({ file: 'x.csv', preset: 'bpic2013', format: { timeZone: 'Mars/Olympus' } }));
    expect(z.issues[0]?.field).toBe('timeZone');
  });

  it('lets explicit options override the preset, and names a custom log after its file', () => {
    const s = resolveEventLogSpec({ file: 'x.csv', preset: 'servicenow', columns: { team: 'group' }, target: { entity: 'DOS' } });
    expect(s.columns.team).toBe('group');
    expect(s.columns.case).toBe(PRESETS.servicenow.columns.case);
    expect(s.target).toMatchObject({ entity: 'DOS', provider: 'UNICTF', source: 'import:servicenow' });
    expect(s.format.missing).toEqual(['', '?']);
    const custom = resolveEventLogSpec({
      file: '/tmp/My Log.csv.gz',
      columns: { case: 'id', activity: 'status', timestamp: 'at' },
      format: { delimiter: ';' },
    });
    expect(custom.target).toMatchObject({ source: 'import:my-log', referencePrefix: 'MY-LOG', provider: 'GSC' });
    expect(custom.format).toMatchObject({ delimiter: ';', timestampFormat: 'iso', timeZone: 'UTC' });
  });
});
