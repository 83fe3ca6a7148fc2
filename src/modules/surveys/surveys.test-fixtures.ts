/** Helpers of the survey tests: a signed-in app, requests resolved by the coordinator, the outbox's survey e-mails. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp, signInAs } from '../../../tests/helpers/http.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import type { SurveySettings } from './settings.ts';

export const SECRET = 's'.repeat(40);

export interface SurveyTestApp {
  app: FastifyInstance;
  as: Record<string, { cookie: string }>;
  /** Opens a request as `who` and returns its reference. */
  request(who: string, body?: object): Promise<string>;
  /** Moves a case (by the coordinator unless `who` is given) and returns the answer. */
  move(reference: string, to: string, who?: string): Promise<{ statusCode: number; json(): { version: number } }>;
  /** Outbox rows, oldest first. */
  outbox(): Promise<{ to_address: string; subject: string; body: string; case_id: string | null }[]>;
}

export const PAYROLL = {
  service: 'PAY-PAYROLL',
  title: 'Salary for October not received',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2,
  urgency: 2,
};

/** Builds the app on `h` with the survey settings and signs the demo users in. */
export async function surveyTestApp(h: DatabaseHandle, surveys: Partial<SurveySettings>, who: string[]): Promise<SurveyTestApp> {
  const app = await buildTestApp(h, { surveys: { linkSecret: SECRET, publicUrl: 'https://meridian.test', ...surveys } });
  const as: Record<string, { cookie: string }> = {};
  for (const w of new Set([...who, 'coordinator'])) as[w] = await signInAs(app, `${w}@meridian.test`);
  return {
    app,
    as,
    async request(requester, body = PAYROLL) {
      const r = await app.inject({ method: 'POST', url: '/api/cases', payload: body, headers: as[requester] });
      if (r.statusCode !== 201) throw new Error(`create: ${r.statusCode} ${r.body}`);
      return r.json().reference as string;
    },
    async move(reference, to, who = 'coordinator') {
      const v = await app.inject({ url: `/api/cases/${reference}`, headers: as[who] });
      const version = v.json().case.version as number;
      return app.inject({
        method: 'POST',
        url: `/api/cases/${reference}/transitions`,
        payload: { to },
        headers: { ...as[who], 'if-match': `"${version}"` },
      });
    },
    async outbox() {
      const r = await sql<{ to_address: string; subject: string; body: string; case_id: string | null }>`
        select to_address, subject, body, case_id from outbox order by id`.execute(h.db);
      return r.rows;
    },
  };
}

/** The survey link tokens in an e-mail body (`…/survey#<token>`). */
export function tokensIn(body: string): string[] {
  return [...body.matchAll(/\/survey#([\w.-]+)/g)].map((m) => m[1] as string);
}

/** Survey e-mails only (their subject names a survey). */
export function surveyMails<T extends { subject: string }>(rows: T[]): T[] {
  return rows.filter((r) => /How did we do|Votre avis|satisfaction survey|enquête de satisfaction/.test(r.subject));
}
