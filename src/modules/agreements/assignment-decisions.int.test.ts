/**
 * Assignment decisions on the reference data: UNAMA's payroll is served by KJSO (para 28). A request to
 * move it to UNON, consulted with DMSPC and the head of UNAMA and decided by the USG (the administrator)
 * from a date, changes routing from that date only; every past date keeps its provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { AppError } from '../../server/errors.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { loadReferenceData } from '../reference/reference-data.ts';
import {
  assignmentHistory,
  consultOnRequest,
  decideRequest,
  getAssignmentRequest,
  listAssignmentRequests,
  requestAssignment,
} from './assignment-decisions.service.ts';
import { findAssignments } from './assignments.repository.ts';
import { routeRequest } from './routing.service.ts';

let h: DatabaseHandle;
const users: Record<string, User> = {};
const NOW = new Date('2026-03-10T09:00:00Z');

beforeAll(async () => {
  h = await createTestDatabase();
  for (const who of ['admin', 'coordinator', 'focal.minusca', 'agent.kjso', 'agent.unon', 'manager.rsce']) {
    const u = await findUserForSignIn(h.db, `${who}@meridian.test`);
    if (!u) throw new Error(`no demo user ${who}`);
    users[who] = u;
  }
});
afterAll(async () => {
  await h.close();
});

const u = (who: string): User => users[who] as User;

async function refused(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function providerOn(entity: string, service: string, on: string): Promise<string> {
  return (await routeRequest(h.db, { entity, service, on })).provider.code;
}

describe('assignment decisions', () => {
  let requestId: number;

  it('records a request and refuses a decision before DMSPC and the head of the entity are consulted', async () => {
    const r = await requestAssignment(
      h.db,
      u('coordinator'),
      {
        entity: 'UNAMA',
        provider: 'UNON',
        services: ['PAY-PAYROLL', 'PAY-EDUGRANT'],
        scope: 'global',
        costRecovery: true,
        requestedFrom: '2026-04-01',
        justification: 'Consolidate payroll of special political missions at UNON',
      },
      NOW,
    );
    requestId = r.id;
    expect(r.reference).toMatch(/^AR-\d{6}$/);
    expect(r.state).toBe('open');
    const e = await refused(
      decideRequest(h.db, u('admin'), requestId, { decision: 'approve', rationale: 'one payroll centre' }, NOW),
    );
    expect(e.code).toBe('ASSIGNMENT_CONSULTATION_MISSING');
    expect(e.message).toMatch(/Management Strategy, Policy and Compliance and the head of UNAMA/);
  });

  it('refuses a decision by a role without authority, and consultations from outside the entity', async () => {
    const e = await refused(decideRequest(h.db, u('coordinator'), requestId, { decision: 'approve', rationale: 'x' }, NOW));
    expect(e.code).toBe('ASSIGNMENT_NOT_AUTHORISED');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/Under-Secretary-General for Operational Support/);
    // MINUSCA's focal point does not see (so cannot consult on) UNAMA's request.
    const f = await refused(
      consultOnRequest(h.db, u('focal.minusca'), requestId, {
        party: 'entity-head',
        consultee: 'Head of MINUSCA',
        opinion: 'concur',
        comment: 'fine',
      }),
    );
    expect(f.code).toBe('ASSIGNMENT_REQUEST_NOT_FOUND');
    // A provider agent has no consultation authority and does not see another provider's request.
    expect((await refused(getAssignmentRequest(h.db, u('manager.rsce'), requestId))).code).toBe('ASSIGNMENT_REQUEST_NOT_FOUND');
    expect((await listAssignmentRequests(h.db, u('manager.rsce'), { page: 1, pageSize: 50, order: 'desc' })).total).toBe(0);
    expect((await listAssignmentRequests(h.db, u('agent.unon'), { page: 1, pageSize: 50, order: 'desc' })).total).toBe(1);
  });

  it('keeps the consultation trail (who, when, opinion) and changes routing from the effective date only', async () => {
    await consultOnRequest(
      h.db,
      u('coordinator'),
      requestId,
      {
        party: 'dmspc',
        consultee: 'ASG, Management Strategy, Policy and Compliance',
        opinion: 'concur',
        comment: 'Aligned with the global model',
      },
      new Date('2026-03-11T10:00:00Z'),
    );
    await consultOnRequest(
      h.db,
      u('coordinator'),
      requestId,
      {
        party: 'entity-head',
        consultee: 'Head of UNAMA',
        opinion: 'concur-with-conditions',
        comment: 'Keep the KJSO helpdesk until June',
      },
      new Date('2026-03-12T10:00:00Z'),
    );
    const decided = await decideRequest(
      h.db,
      u('admin'),
      requestId,
      { decision: 'approve', rationale: 'Single payroll centre for the missions', effectiveFrom: '2026-04-01' },
      new Date('2026-03-15T10:00:00Z'),
    );
    expect(decided.state).toBe('approved');
    expect(decided.effectiveFrom).toBe('2026-04-01');
    expect(decided.decidedBy).toBe('Ada Administrator');
    expect(decided.consultations.map((c) => [c.party, c.opinion, c.at])).toEqual([
      ['dmspc', 'concur', '2026-03-11T10:00:00.000Z'],
      ['entity-head', 'concur-with-conditions', '2026-03-12T10:00:00.000Z'],
    ]);

    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2026-03-31')).toBe('KJSO');
    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2026-04-01')).toBe('UNON');
    expect(await providerOn('UNAMA', 'PAY-EDUGRANT', '2026-04-01')).toBe('UNON');
    const route = await routeRequest(h.db, { entity: 'UNAMA', service: 'PAY-PAYROLL', on: '2026-05-01' });
    expect(route.basis).toContain(decided.reference);
    // Another entity's payroll is untouched.
    expect(await providerOn('UNSOM', 'PAY-PAYROLL', '2026-05-01')).toBe(await providerOn('UNSOM', 'PAY-PAYROLL', '2026-03-01'));
  });

  it('answers who served on any past date (point in time), with the history of periods', async () => {
    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2025-06-01')).toBe('KJSO');
    const page = await findAssignments(h.db, {
      entity: 'UNAMA',
      service: 'PAY-PAYROLL',
      on: '2025-06-01',
      page: 1,
      pageSize: 10,
      order: 'asc',
      sort: 'entity',
    });
    expect(page.items.map((a) => a.provider.code)).toEqual(['KJSO']);
    const history = await assignmentHistory(h.db, 'UNAMA', 'PAY-PAYROLL');
    expect(history.map((p) => [p.provider.code, p.effectiveTo, p.decision])).toEqual([
      ['KJSO', '2026-04-01', null],
      ['UNON', null, expect.stringMatching(/^AR-\d{6}$/)],
    ]);
  });

  it('refuses a second decision, a date already taken, and a retroactive effective date', async () => {
    expect((await refused(decideRequest(h.db, u('admin'), requestId, { decision: 'reject', rationale: 'x' }))).code).toBe(
      'ASSIGNMENT_REQUEST_CLOSED',
    );
    const consulted = async (effective: string, from = '2026-04-01') => {
      const r = await requestAssignment(
        h.db,
        u('coordinator'),
        {
          entity: 'UNAMA',
          provider: 'KJSO',
          services: ['PAY-PAYROLL'],
          scope: 'regional',
          costRecovery: true,
          requestedFrom: from,
          justification: 'back to KJSO',
        },
        NOW,
      );
      for (const party of ['dmspc', 'entity-head'] as const) {
        await consultOnRequest(h.db, u('coordinator'), r.id, { party, consultee: party, opinion: 'object', comment: 'no' }, NOW);
      }
      return refused(
        decideRequest(h.db, u('admin'), r.id, { decision: 'approve', rationale: 'r', effectiveFrom: effective }, NOW),
      );
    };
    const taken = await consulted('2026-04-01');
    expect(taken.code).toBe('ASSIGNMENT_DATE_CONFLICT');
    expect(taken.message).toContain('2026-04-01');
    const past = await consulted('2026-01-01');
    expect(past.code).toBe('VALIDATION_FAILED');
    expect(past.issues[0]?.field).toBe('effectiveFrom');
    // Nothing changed.
    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2026-04-02')).toBe('UNON');
  });

  it('keeps decisions when the reference data is loaded again', async () => {
    await loadReferenceData(h.db);
    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2026-03-31')).toBe('KJSO');
    expect(await providerOn('UNAMA', 'PAY-PAYROLL', '2026-04-01')).toBe('UNON');
    const history = await assignmentHistory(h.db, 'UNAMA', 'PAY-PAYROLL');
    expect(history.map((p) => [p.provider.code, p.effectiveTo])).toEqual([
      ['KJSO', '2026-04-01'],
      ['UNON', null],
    ]);
  });
});
