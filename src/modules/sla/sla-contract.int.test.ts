import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
let headers: { cookie: string };

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 1000, webDir: '/nonexistent' });
  await app.ready();
  headers = await signInAs(app, 'requester.minusca@meridian.test');
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const weekdays = [['09:00', '17:00']];
const calendar = {
  timeZone: 'Europe/Rome',
  week: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays, sat: [], sun: [] },
  holidays: ['2026-12-25'],
};

describe('POST /api/sla/due and /api/sla/elapsed', () => {
  it('answer 401 without a session', async () => {
    const due = await app.inject({
      method: 'POST',
      url: '/api/sla/due',
      payload: { calendar, start: '2026-11-20T16:30:00+01:00', target: 'PT1H' },
    });
    expect(due.statusCode).toBe(401);
    const elapsed = await app.inject({ method: 'POST', url: '/api/sla/elapsed', payload: {} });
    expect(elapsed.statusCode).toBe(401);
  });

  it('answer the due instant and the business minutes to any signed-in user', async () => {
    const due = await app.inject({
      method: 'POST',
      url: '/api/sla/due',
      headers,
      payload: { calendar, start: '2026-11-20T16:30:00+01:00', target: 'PT1H' },
    });
    expect(due.statusCode, due.body).toBe(200);
    expect(due.json()).toEqual({ due: '2026-11-23T08:30:00Z' });
    const elapsed = await app.inject({
      method: 'POST',
      url: '/api/sla/elapsed',
      headers,
      payload: {
        calendar,
        from: '2026-11-23T10:00:00+01:00',
        to: '2026-11-23T13:00:00+01:00',
        pauses: [{ from: '2026-11-23T11:00:00+01:00', to: '2026-11-23T12:00:00+01:00' }],
      },
    });
    expect(elapsed.statusCode, elapsed.body).toBe(200);
    expect(elapsed.json()).toEqual({ businessMinutes: 120 });
  });

  it('answer 400 problem+json naming the bad field', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/sla/due',
      headers,
      payload: {
        calendar: {
          ...calendar,
          week: {
            ...calendar.week,
            mon: [
              ['09:00', '17:00'],
              ['25:00', '26:00'],
            ],
          },
        },
        start: '2026-11-20T16:30:00+01:00',
        target: 'PT1H',
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = r.json() as { code: string; errors: Array<{ field: string; message: string }> };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.field)).toContain('body.calendar.week.mon.1.0');
    const local = await app.inject({
      method: 'POST',
      url: '/api/sla/due',
      headers,
      payload: { calendar, start: '2026-11-20T16:30:00', target: 'PT1H' },
    });
    expect(local.statusCode).toBe(400);
    expect(local.json().errors).toEqual([
      expect.objectContaining({ field: 'body.start', message: expect.stringMatching(/no offset/) }),
    ]);
  });

  it('answer 400 when the calendar never works', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/sla/due',
      headers,
      payload: { calendar: { timeZone: 'UTC', week: {} }, start: '2026-11-20T16:30:00Z', target: 'PT1H' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toMatch(/no working time/);
  });

  it('are described in the OpenAPI document', async () => {
    const spec = (await app.inject('/api/openapi.json')).json() as {
      paths: Record<string, { post?: { requestBody?: unknown } }>;
    };
    expect(spec.paths['/api/sla/due']?.post?.requestBody).toBeTruthy();
    expect(JSON.stringify(spec.paths['/api/sla/due'])).toContain('PT2H');
    expect(spec.paths['/api/sla/elapsed']?.post?.requestBody).toBeTruthy();
  });
});
