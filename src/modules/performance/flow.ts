/**
 * Flow analytics of a case's events (pure): handoffs between teams, ping-pong, support levels and
 * "push to front" compliance, end-to-end time; and the summary of a whole log. Definitions are those of
 * docs/standards.md ("Flow measures"):
 * - events are taken in time order, ties in file order (`seq`);
 * - an event without a team (or without a level) is skipped for the team (or level) measures;
 * - a team handoff is a change of team between consecutive events (that have a team);
 * - a case ping-pongs when it comes back to a team it had left (a team appears in two separate runs);
 * - a level is the first number in the level text (`L1` 1, `L2/L3` 2); push to front is violated when the
 *   first level is above 1, a step up skips a level (L1 -> L3), or a step goes back down (L2 -> L1);
 * - the end-to-end time is first to last event, in milliseconds.
 */

/** One event of a log's case, as the flow measures need it. `at` is UTC milliseconds. */
export interface FlowEvent {
  seq: number;
  at: number;
  team: string | null;
  level: string | null;
  /** The log's SLA flag on this event (true met, false not met), null when absent. */
  slaMet: boolean | null;
}

/** The flow of one case. Durations in milliseconds. */
export interface CaseFlow {
  events: number;
  endToEndMs: number;
  teamHandoffs: number;
  /** Teams in the order they held the case (runs of the same team collapsed). */
  teamRuns: string[];
  pingPong: boolean;
  /** Levels in the order met (runs collapsed); empty without levels. */
  levelRuns: number[];
  level1Only: boolean;
  pushToFrontViolation: boolean;
  /** The SLA flag of the last event (null when that event has none). */
  slaMet: boolean | null;
  /** Time each team run held the case: from its first event to the next run's first event (or the last event). */
  segments: { team: string; ms: number }[];
}

/** The level number of a level text (`L1` 1, `L2/L3` 2, `Tier 3` 3), or null when it has no number. */
export function levelNumber(level: string | null): number | null {
  if (level === null) return null;
  const m = /\d+/.exec(level);
  return m ? Number(m[0]) : null;
}

/** Sorts a case's events in time order, ties in file order (a copy). */
export function inFlowOrder<T extends { at: number; seq: number }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/**
 * The flow of one case from its events (any order; sorted here).
 * @throws Error when `events` is empty.
 */
export function caseFlow(events: readonly FlowEvent[]): CaseFlow {
  if (events.length === 0) throw new Error('caseFlow: a case has at least one event');
  const list = inFlowOrder(events);
  const first = list[0] as FlowEvent;
  const last = list[list.length - 1] as FlowEvent;
  const teamRuns: string[] = [];
  const runStarts: number[] = [];
  for (const e of list) {
    if (e.team === null) continue;
    if (teamRuns[teamRuns.length - 1] !== e.team) {
      teamRuns.push(e.team);
      runStarts.push(e.at);
    }
  }
  const levelRuns: number[] = [];
  for (const e of list) {
    const n = levelNumber(e.level);
    if (n !== null && levelRuns[levelRuns.length - 1] !== n) levelRuns.push(n);
  }
  let violation = levelRuns.length > 0 && (levelRuns[0] as number) > 1;
  for (let i = 1; i < levelRuns.length; i++) {
    const step = (levelRuns[i] as number) - (levelRuns[i - 1] as number);
    if (step > 1 || step < 0) violation = true;
  }
  return {
    events: list.length,
    endToEndMs: last.at - first.at,
    teamHandoffs: Math.max(0, teamRuns.length - 1),
    teamRuns,
    pingPong: new Set(teamRuns).size < teamRuns.length,
    levelRuns,
    level1Only: levelRuns.length === 1 && levelRuns[0] === 1,
    pushToFrontViolation: violation,
    slaMet: last.slaMet,
    segments: teamRuns.map((team, i) => ({ team, ms: (runStarts[i + 1] ?? last.at) - (runStarts[i] as number) })),
  };
}

/** The summary of a log, exactly the keys `meridian analytics summary --json` prints. Days are 86,400,000 ms. */
export interface LogSummary {
  cases: number;
  events: number;
  medianCaseDays: number | null;
  meanCaseDays: number | null;
  teamHandoffs: number;
  pingPongCases: number;
  level1OnlyCases: number | null;
  pushToFrontViolations: number | null;
  slaMetShare: number | null;
}

/** The median of numbers (mean of the two middle ones for an even count), null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The summary of a log from its cases' flows. `hasLevels` and `hasSla` say whether the log has a level and
 * an SLA column: without them `level1OnlyCases`, `pushToFrontViolations` and `slaMetShare` are null.
 * `slaMetShare` is the share of cases whose last event says met, among the cases whose last event has a
 * flag. Days are rounded to 6 decimals, the share too.
 */
export function summarizeFlows(flows: readonly CaseFlow[], opts: { hasLevels: boolean; hasSla: boolean }): LogSummary {
  const days = flows.map((f) => f.endToEndMs / 86_400_000);
  const flagged = flows.filter((f) => f.slaMet !== null);
  const med = median(days);
  return {
    cases: flows.length,
    events: flows.reduce((s, f) => s + f.events, 0),
    medianCaseDays: med === null ? null : round6(med),
    meanCaseDays: days.length ? round6(days.reduce((s, d) => s + d, 0) / days.length) : null,
    teamHandoffs: flows.reduce((s, f) => s + f.teamHandoffs, 0),
    pingPongCases: flows.filter((f) => f.pingPong).length,
    level1OnlyCases: opts.hasLevels ? flows.filter((f) => f.level1Only).length : null,
    pushToFrontViolations: opts.hasLevels ? flows.filter((f) => f.pushToFrontViolation).length : null,
    slaMetShare: opts.hasSla && flagged.length ? round6(flagged.filter((f) => f.slaMet).length / flagged.length) : null,
  };
}

/** Per-team flow figures: cases the team held, runs, ping-pong cases it was part of, mean time held (ms). */
export interface TeamFlow {
  team: string;
  cases: number;
  runs: number;
  handoffsOut: number;
  pingPongCases: number;
  meanHeldMs: number;
}

/** Flow figures per team over many cases, by team name. */
export function flowsByTeam(flows: readonly CaseFlow[]): TeamFlow[] {
  const acc = new Map<string, { cases: number; runs: number; out: number; pp: number; held: number }>();
  for (const f of flows) {
    const seen = new Set<string>();
    f.segments.forEach((s, i) => {
      const a = acc.get(s.team) ?? { cases: 0, runs: 0, out: 0, pp: 0, held: 0 };
      a.runs++;
      a.held += s.ms;
      if (i < f.segments.length - 1) a.out++;
      if (!seen.has(s.team)) {
        seen.add(s.team);
        a.cases++;
        if (f.pingPong) a.pp++;
      }
      acc.set(s.team, a);
    });
  }
  return [...acc.entries()]
    .map(([team, a]) => ({
      team,
      cases: a.cases,
      runs: a.runs,
      handoffsOut: a.out,
      pingPongCases: a.pp,
      meanHeldMs: Math.round(a.held / a.runs),
    }))
    .sort((x, y) => x.team.localeCompare(y.team));
}
