import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { AppError } from '../../server/errors.ts';
import { findAssignments } from './assignments.repository.ts';
import { routeRequest } from './routing.service.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

async function routeError(input: { entity: string; service: string; on?: string }): Promise<AppError> {
  try {
    await routeRequest(h.db, input);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected no route');
}

describe('routing on the reference data (the report)', () => {
  it('sends the RC office in Chile to UNON for payroll and to ECLAC for procurement (para 16)', async () => {
    const payroll = await routeRequest(h.db, { entity: 'RCO-CL', service: 'PAY-PAYROLL' });
    expect(payroll.provider.code).toBe('UNON');
    expect(payroll.scope).toBe('global');
    expect(payroll.basis).toMatch(/para 16/);
    const procurement = await routeRequest(h.db, { entity: 'RCO-CL', service: 'PROC-PROCUREMENT' });
    expect(procurement.provider.code).toBe('ECLAC');
    expect(procurement.scope).toBe('regional');
    expect(procurement.costRecovery).toBe(true);
  });

  it("sends MINUSCA's human-resources administration to RSCE (para 26)", async () => {
    const r = await routeRequest(h.db, { entity: 'MINUSCA', service: 'HR-ADMIN' });
    expect(r.provider.code).toBe('RSCE');
    expect(r.provider.dutyStation.timeZone).toBe('Africa/Kampala');
    expect(r.basis).toMatch(/para 26/);
  });

  it("sends UNAMA's payroll to KJSO (para 28)", async () => {
    const r = await routeRequest(h.db, { entity: 'UNAMA', service: 'PAY-PAYROLL' });
    expect(r.provider.code).toBe('KJSO');
    expect(r.basis).toMatch(/para 2[89]/);
  });

  it('says clearly when no provider is assigned, or a code is unknown', async () => {
    const none = await routeError({ entity: 'RCO-CL', service: 'PAY-PAYROLL', on: '1990-01-01' });
    expect(none.code).toBe('ROUTING_NO_ASSIGNMENT');
    expect(none.status).toBe(404);
    expect(none.message).toContain('RCO-CL');
    expect((await routeError({ entity: 'NOPE', service: 'PAY-PAYROLL' })).code).toBe('DIRECTORY_ENTITY_NOT_FOUND');
    expect((await routeError({ entity: 'RCO-CL', service: 'NOPE' })).code).toBe('CATALOGUE_SERVICE_NOT_FOUND');
  });

  it('gives every RC office payroll from UNON', async () => {
    const page = await findAssignments(h.db, {
      service: 'PAY-PAYROLL',
      provider: 'UNON',
      page: 1,
      pageSize: 1000,
      order: 'asc',
      sort: 'entity',
    });
    const rcos = page.items.filter((a) => a.entity.kind === 'resident-coordinator-office');
    expect(rcos).toHaveLength(132);
  });
});
