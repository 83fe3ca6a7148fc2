/**
 * The common SLA over HTTP: RSCE (Entebbe) serves MINUSCA for human-resources administration and payroll
 * (para 26). An agreement between them goes from draft to active, writes its standards to RSCE's SLA
 * policies, renders in English and French as HTML and PDF, is amended (the old version stays readable),
 * and is refused for a service RSCE does not offer. Scoping: other providers and entities see nothing.
 */
import type { FastifyInstance } from 'fastify';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { listPolicies } from '../sla/policies.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.ready();
  for (const who of ['admin', 'coordinator', 'manager.rsce', 'agent.kjso', 'focal.minusca', 'requester.minusca']) {
    cookies[who] = (await signInAs(app, `${who}@meridian.test`)).cookie;
  }
});
afterAll(async () => {
  await app.close();
  await h.close();
});

async function call(who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const r = await app.inject({
    method,
    url,
    headers: { cookie: cookies[who] as string },
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: r.statusCode, json: () => r.json(), body: r.body, raw: r.rawPayload, headers: r.headers };
}

const annex = {
  services: ['HR-ADMIN', 'PAY-PAYROLL'],
  standards: [
    {
      service: 'HR-ADMIN',
      priority: 'P2',
      firstResponse: 'PT4H',
      resolution: 'P3D',
      serviceCredit: { metric: 'resolution', percent: '5' },
    },
    { service: 'PAY-PAYROLL', firstResponse: 'PT2H', resolution: 'P2D' },
  ],
  contacts: [
    { party: 'provider', role: 'Client services manager', name: 'Grace Nakato', email: 'manager.rsce@meridian.test' },
    { party: 'client', role: 'Chief of mission support', name: 'Aline Ngaba', email: 'focal.minusca@meridian.test' },
  ],
  term: { from: '2026-01-01', to: '2027-12-31' },
  reviewDate: '2026-12-01',
};

describe('the common SLA', () => {
  let id: number;

  it('refuses an agreement for a service the provider does not offer, naming it', async () => {
    const r = await call('coordinator', 'POST', '/api/agreements', {
      provider: 'RSCE',
      entity: 'MINUSCA',
      annex: { ...annex, services: ['HR-ADMIN', 'ICT-SERVICES'], standards: [] },
    });
    expect(r.status).toBe(422);
    expect(r.json().code).toBe('AGREEMENT_SERVICE_NOT_OFFERED');
    expect(r.json().detail).toContain('RSCE does not offer ICT-SERVICES');
    expect(r.json().errors).toEqual([{ field: 'annex.services.1', message: 'RSCE does not offer ICT-SERVICES' }]);
  });

  it('takes an agreement from draft through consultation and signature to active', async () => {
    const created = await call('coordinator', 'POST', '/api/agreements', {
      provider: 'RSCE',
      entity: 'MINUSCA',
      annex: { ...annex, contacts: [] },
    });
    expect(created.status).toBe(201);
    id = created.json().id;
    expect(created.json()).toMatchObject({
      reference: 'SLA-RSCE-MINUSCA-1',
      state: 'draft',
      latestVersion: 1,
      versionInForce: null,
    });
    expect(created.json().versions[0].templateVersion).toBe(1);

    const incomplete = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, { action: 'submit', version: 1 });
    expect(incomplete.status).toBe(422);
    expect(incomplete.json().code).toBe('AGREEMENT_INCOMPLETE');
    expect(incomplete.json().detail).toMatch(/contact for the provider/);

    expect((await call('coordinator', 'PUT', `/api/agreements/${id}/versions/1/annex`, annex)).status).toBe(200);
    const submitted = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, { action: 'submit', version: 1 });
    expect(submitted.json().state).toBe('in-consultation');
    const locked = await call('coordinator', 'PUT', `/api/agreements/${id}/versions/1/annex`, annex);
    expect(locked.status).toBe(409);
    expect(locked.json().code).toBe('AGREEMENT_NOT_EDITABLE');
    const activateEarly = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'activate',
      version: 1,
    });
    expect(activateEarly.status).toBe(409);
    expect(activateEarly.json().code).toBe('AGREEMENT_TRANSITION_REFUSED');
    expect(activateEarly.json().detail).toBe(
      'Version 1 of SLA-RSCE-MINUSCA-1 is in-consultation: it cannot be activated (allowed: return, sign, withdraw)',
    );
    const unsigned = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, { action: 'sign', version: 1 });
    expect(unsigned.status).toBe(400);
    const signed = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'sign',
      version: 1,
      signatories: { provider: 'Director, RSCE', client: 'Director of Mission Support, MINUSCA' },
    });
    expect(signed.json().state).toBe('signed');
    const active = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'activate',
      version: 1,
      date: '2026-01-01',
    });
    expect(active.status).toBe(200);
    expect(active.json()).toMatchObject({ state: 'active', versionInForce: 1 });
    expect(active.json().versions[0]).toMatchObject({ effectiveFrom: '2026-01-01', effectiveTo: '2027-12-31' });
  });

  it("writes the annex's standards to the provider's SLA policies", async () => {
    const policies = await listPolicies(h.db, { provider: 'RSCE' });
    const hr = policies.find((p) => p.provider === 'RSCE' && p.service === 'HR-ADMIN' && p.priority === 'P2');
    const pay = policies.find((p) => p.provider === 'RSCE' && p.service === 'PAY-PAYROLL' && p.priority === null);
    expect([hr?.firstResponse, hr?.resolution, pay?.firstResponse, pay?.resolution]).toEqual(['PT4H', 'P3D', 'PT2H', 'P2D']);
    expect(hr?.basis).toContain('SLA-RSCE-MINUSCA-1 v1');
    const agreement = (await call('coordinator', 'GET', `/api/agreements/${id}`)).json();
    expect(agreement.versions[0].policyIds).toEqual([hr?.id, pay?.id]);
  });

  it("renders the printable agreement in the reader's language, as HTML and PDF", async () => {
    const fr = await call('focal.minusca', 'GET', `/api/agreements/${id}/versions/1/document.html`);
    expect(fr.status).toBe(200);
    expect(fr.headers['content-language']).toBe('fr'); // the focal point's locale
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('Accord de niveau de service SLA-RSCE-MINUSCA-1');
    expect(fr.body).toContain('Annexe B — Normes de service et crédits de service');
    expect(fr.body).toContain('5 % du prix du dossier');
    expect(fr.body).toContain('4 heures ouvrées');
    const en = await call('focal.minusca', 'GET', `/api/agreements/${id}/versions/1/document.html?lang=en`);
    expect(en.body).toContain('Service-level agreement SLA-RSCE-MINUSCA-1');
    expect(en.body).toContain('from 2026-01-01 to 2027-12-31');

    const pdf = await call('manager.rsce', 'GET', `/api/agreements/${id}/versions/1/document.pdf?lang=en`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await new PDFParse({ data: new Uint8Array(pdf.raw) }).getText()).text;
    expect(text).toContain('Service-level agreement SLA-RSCE-MINUSCA-1');
    expect(text).toContain('Annex B — Service standards and service credits');
    expect(text).toContain('Director, RSCE');
    expect(text).toContain('5% of the case');
  });

  it("keeps scoping: another provider or entity sees no agreement, not even a count; clients' requesters cannot read them", async () => {
    expect((await call('agent.kjso', 'GET', '/api/agreements')).json().total).toBe(0);
    expect((await call('agent.kjso', 'GET', `/api/agreements/${id}`)).status).toBe(404);
    expect((await call('agent.kjso', 'GET', `/api/agreements/${id}/versions/1/document.pdf`)).status).toBe(404);
    expect((await call('manager.rsce', 'GET', '/api/agreements')).json().total).toBe(1);
    expect((await call('focal.minusca', 'GET', '/api/agreements')).json().total).toBe(1);
    expect((await call('requester.minusca', 'GET', '/api/agreements')).status).toBe(403);
    expect((await call('manager.rsce', 'POST', '/api/agreements', { provider: 'RSCE', entity: 'MINUSCA' })).status).toBe(403);
  });

  it('amends by a new version: the old one stays readable and is superseded from the amendment’s first day', async () => {
    const amended = await call('coordinator', 'POST', `/api/agreements/${id}/amendments`, { note: 'Faster payroll resolution' });
    expect(amended.status).toBe(201);
    expect(amended.json()).toMatchObject({ state: 'active', latestVersion: 2, latestState: 'draft', versionInForce: 1 });
    const second = await call('coordinator', 'POST', `/api/agreements/${id}/amendments`, { note: 'again' });
    expect(second.status).toBe(409);
    const v2 = {
      ...annex,
      standards: [annex.standards[0], { service: 'PAY-PAYROLL', firstResponse: 'PT2H', resolution: 'P1D' }],
    };
    expect((await call('coordinator', 'PUT', `/api/agreements/${id}/versions/2/annex`, v2)).status).toBe(200);
    await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, { action: 'submit', version: 2 });
    await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'sign',
      version: 2,
      signatories: { provider: 'Director, RSCE', client: 'Director of Mission Support, MINUSCA' },
    });
    const early = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'activate',
      version: 2,
      date: '2026-01-01',
    });
    expect(early.status).toBe(400);
    const on = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'activate',
      version: 2,
      date: '2026-07-01',
    });
    expect(on.status).toBe(200);
    const versions = on.json().versions;
    expect(
      versions.map((v: { state: string; effectiveFrom: string; effectiveTo: string }) => [
        v.state,
        v.effectiveFrom,
        v.effectiveTo,
      ]),
    ).toEqual([
      ['superseded', '2026-01-01', '2026-07-01'],
      ['active', '2026-07-01', '2027-12-31'],
    ]);
    const pay = (await listPolicies(h.db, { provider: 'RSCE' })).find((p) => p.service === 'PAY-PAYROLL' && p.priority === null);
    expect(pay?.resolution).toBe('P1D');
    expect(pay?.version).toBe(2);
    const old = await call('coordinator', 'GET', `/api/agreements/${id}/versions/1/document.html?lang=en`);
    expect(old.body).toContain('2 business days');
    expect(old.body).toContain('superseded');
  });

  it('refuses another agreement that would set other targets on a policy the provider already applies', async () => {
    const other = await call('coordinator', 'POST', '/api/agreements', {
      provider: 'RSCE',
      entity: 'MINUSMA',
      annex: { ...annex, standards: [{ service: 'HR-ADMIN', priority: 'P2', firstResponse: 'PT1H', resolution: 'P1D' }] },
    });
    expect(other.status).toBe(201);
    const oid = other.json().id;
    await call('coordinator', 'POST', `/api/agreements/${oid}/transitions`, { action: 'submit', version: 1 });
    await call('coordinator', 'POST', `/api/agreements/${oid}/transitions`, {
      action: 'sign',
      version: 1,
      signatories: { provider: 'a', client: 'b' },
    });
    const r = await call('coordinator', 'POST', `/api/agreements/${oid}/transitions`, {
      action: 'activate',
      version: 1,
      date: '2026-02-01',
    });
    expect(r.status).toBe(409);
    expect(r.json().code).toBe('AGREEMENT_STANDARD_CONFLICT');
    expect(r.json().detail).toContain('SLA-RSCE-MINUSCA-1 v2');
    // Nothing changed: still signed, and RSCE's policy keeps MINUSCA's targets.
    expect((await call('coordinator', 'GET', `/api/agreements/${oid}`)).json().state).toBe('signed');
    const hr = (await listPolicies(h.db, { provider: 'RSCE' })).find((p) => p.service === 'HR-ADMIN' && p.priority === 'P2');
    expect(hr?.firstResponse).toBe('PT4H');
  });

  it('terminates only with a reason', async () => {
    const noReason = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, { action: 'terminate', version: 2 });
    expect(noReason.status).toBe(400);
    const t = await call('coordinator', 'POST', `/api/agreements/${id}/transitions`, {
      action: 'terminate',
      version: 2,
      date: '2027-03-31',
      reason: 'Mission drawdown',
    });
    expect(t.json()).toMatchObject({ state: 'terminated', versionInForce: null });
    expect(t.json().versions[1].effectiveTo).toBe('2027-03-31');
  });
});

describe('the template', () => {
  it('versions the template: a draft is edited and published; a published version never changes', async () => {
    const list = (await call('coordinator', 'GET', '/api/agreement-templates')).json();
    const v1 = list[0];
    expect(v1).toMatchObject({ version: 1, state: 'published' });
    const sections = [
      ...v1.sections,
      {
        key: 'data-protection',
        title: { en: 'Data protection', fr: 'Protection des données' },
        clauses: [
          {
            key: 'personal-data',
            text: {
              en: 'Personal data is processed under the Secretariat’s rules.',
              fr: 'Les données personnelles sont traitées selon les règles du Secrétariat.',
            },
          },
        ],
      },
    ];
    const draft = await call('coordinator', 'POST', '/api/agreement-templates', {
      sections: v1.sections,
      note: 'Adds data protection',
    });
    expect(draft.status).toBe(201);
    expect(draft.json()).toMatchObject({ version: 2, state: 'draft' });
    expect((await call('coordinator', 'POST', '/api/agreement-templates', { sections: v1.sections })).status).toBe(409);
    expect((await call('coordinator', 'PUT', '/api/agreement-templates/2', { sections })).json().sections).toHaveLength(
      sections.length,
    );
    const dup = await call('coordinator', 'PUT', '/api/agreement-templates/2', { sections: [...sections, sections[0]] });
    expect(dup.status).toBe(400);
    expect((await call('coordinator', 'POST', '/api/agreement-templates/2/publish')).json().state).toBe('published');
    expect((await call('coordinator', 'PUT', '/api/agreement-templates/1', { sections })).json().code).toBe(
      'AGREEMENT_TEMPLATE_NOT_EDITABLE',
    );
    expect((await call('manager.rsce', 'POST', '/api/agreement-templates', { sections })).status).toBe(403);

    const a = await call('coordinator', 'POST', '/api/agreements', {
      provider: 'UNON',
      entity: 'RCO-CL',
      annex: { services: ['PAY-PAYROLL'] },
    });
    expect(a.json().versions[0].templateVersion).toBe(2);
    const html = await call('coordinator', 'GET', `/api/agreements/${a.json().id}/versions/1/document.html?lang=fr`);
    expect(html.body).toContain('Protection des données');
  });
});

describe('assignment decisions over HTTP', () => {
  it('refuses a decision by a role without authority (403) and records consultations', async () => {
    const r = await call('coordinator', 'POST', '/api/assignment-requests', {
      entity: 'MINUSCA',
      provider: 'UNON',
      services: ['PAY-PAYROLL'],
      scope: 'global',
      costRecovery: false,
      requestedFrom: '2030-01-01',
      justification: 'test',
    });
    expect(r.status).toBe(201);
    const rid = r.json().id;
    const byCoordinator = await call('coordinator', 'POST', `/api/assignment-requests/${rid}/decision`, {
      decision: 'approve',
      rationale: 'x',
    });
    expect(byCoordinator.status).toBe(403);
    const byManager = await call('manager.rsce', 'POST', `/api/assignment-requests/${rid}/decision`, {
      decision: 'approve',
      rationale: 'x',
    });
    expect(byManager.status).toBe(403);
    const focal = await call('focal.minusca', 'POST', `/api/assignment-requests/${rid}/consultations`, {
      party: 'entity-head',
      consultee: 'Special Representative, MINUSCA',
      opinion: 'object',
      comment: 'Keep RSCE',
    });
    expect(focal.status).toBe(201);
    expect(focal.json().consultations[0]).toMatchObject({ party: 'entity-head', opinion: 'object', recordedBy: 'Aline Ngaba' });
    const wrongParty = await call('focal.minusca', 'POST', `/api/assignment-requests/${rid}/consultations`, {
      party: 'dmspc',
      consultee: 'x',
      opinion: 'concur',
      comment: 'x',
    });
    expect(wrongParty.status).toBe(403);
    const rejected = await call('admin', 'POST', `/api/assignment-requests/${rid}/decision`, {
      decision: 'reject',
      rationale: 'The head of mission objects',
    });
    expect(rejected.json()).toMatchObject({ state: 'rejected', decidedBy: 'Ada Administrator', effectiveFrom: null });
    const history = (await call('coordinator', 'GET', '/api/assignments/history?entity=MINUSCA&service=PAY-PAYROLL')).json();
    expect(history.items.map((p: { provider: { code: string } }) => p.provider.code)).toEqual(['RSCE']);
  });
});
