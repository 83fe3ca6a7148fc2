/** Flow rules of one case and of a log (pure), and the measures' period helpers. */
import { describe, expect, it } from 'vitest';
import { caseFlow, type FlowEvent, flowsByTeam, levelNumber, median, summarizeFlows } from './flow.ts';
import { meets, monthsBetween, monthsOf, percentileCont, periodOf, vocabularyProblem } from './measures.ts';

const H = 3_600_000;
const ev = (
  seq: number,
  hours: number,
  team: string | null,
  level: string | null = null,
  slaMet: boolean | null = null,
): FlowEvent => ({
  seq,
  at: hours * H,
  team,
  level,
  slaMet,
});

describe('caseFlow', () => {
  it('counts team changes in time order, ties in file order, skipping events without a team', () => {
    // file order differs from time order; two events at hour 2 keep their file order (B then C)
    const f = caseFlow([ev(4, 5, 'A'), ev(1, 0, 'A'), ev(2, 2, 'B'), ev(3, 2, 'C'), ev(5, 6, null)]);
    expect(f.teamRuns).toEqual(['A', 'B', 'C', 'A']);
    expect(f.teamHandoffs).toBe(3);
    expect(f.pingPong).toBe(true);
    expect(f.endToEndMs).toBe(6 * H);
    expect(f.segments).toEqual([
      { team: 'A', ms: 2 * H },
      { team: 'B', ms: 0 },
      { team: 'C', ms: 3 * H },
      { team: 'A', ms: 1 * H },
    ]);
  });

  it('a case that stays with one team has no handoff and no ping-pong', () => {
    const f = caseFlow([ev(1, 0, 'A'), ev(2, 1, 'A')]);
    expect([f.teamHandoffs, f.pingPong]).toEqual([0, false]);
  });

  it('push to front: start at L1, never skip a level, never go back down', () => {
    const levels = (...ls: string[]) => caseFlow(ls.map((l, i) => ev(i, i, 'T', l)));
    expect(levels('L1', 'L2', 'L3').pushToFrontViolation).toBe(false);
    expect(levels('L1', 'L1').level1Only).toBe(true);
    expect(levels('L2', 'L3').pushToFrontViolation).toBe(true);
    expect(levels('L1', 'L3').pushToFrontViolation).toBe(true);
    expect(levels('L1', 'L2', 'L1').pushToFrontViolation).toBe(true);
    expect(levels('L1', 'L2/L3').pushToFrontViolation).toBe(false);
    expect(levelNumber('L2/L3')).toBe(2);
  });

  it('the SLA flag is the last event’s', () => {
    expect(caseFlow([ev(1, 0, 'A', null, true), ev(2, 1, 'A', null, false)]).slaMet).toBe(false);
  });
});

describe('summarizeFlows', () => {
  it('gives the summary keys with median and mean in days, nulls without levels or SLA', () => {
    const flows = [
      caseFlow([ev(1, 0, 'A'), ev(2, 24, 'B')]),
      caseFlow([ev(3, 0, 'A'), ev(4, 72, 'A')]),
      caseFlow([ev(5, 0, 'A')]),
    ];
    const s = summarizeFlows(flows, { hasLevels: false, hasSla: false });
    expect(s).toEqual({
      cases: 3,
      events: 5,
      medianCaseDays: 1,
      meanCaseDays: 1.333333,
      teamHandoffs: 1,
      pingPongCases: 0,
      level1OnlyCases: null,
      pushToFrontViolations: null,
      slaMetShare: null,
    });
    expect(flowsByTeam(flows).map((t) => [t.team, t.cases, t.handoffsOut])).toEqual([
      ['A', 3, 1],
      ['B', 1, 0],
    ]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('measures and periods', () => {
  it('maps months to quarters, halves and years and back', () => {
    expect(periodOf('2026-05', 'quarter')).toBe('2026-Q2');
    expect(periodOf('2026-07', 'half-year')).toBe('2026-H2');
    expect(monthsOf('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOf('2026-H1')).toHaveLength(6);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(() => monthsOf('2026-13')).toThrow(/not a period/);
  });

  it('interpolates percentiles like percentile_cont and compares against targets', () => {
    expect(percentileCont([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileCont([10, 20, 30], 90)).toBeCloseTo(28);
    expect(meets(0.9, '>=', 0.9)).toBe(true);
    expect(meets(1.3, '<=', 1.2)).toBe(false);
    expect(meets(null, '<=', 1)).toBe(null);
  });

  it('refuses measures outside the vocabulary', () => {
    expect(vocabularyProblem('share-met', 'resolution', null)).toBeNull();
    expect(vocabularyProblem('share-met', 'payroll', null)).toMatch(/share-met measures one of/);
    expect(vocabularyProblem('percentile', 'resolution', null)).toMatch(/needs a percentile/);
    expect(vocabularyProblem('manual', 'payroll-accuracy', null)).toBeNull();
  });
});
