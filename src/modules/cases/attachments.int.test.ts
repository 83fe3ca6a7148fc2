import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import { attachmentRoutes } from './attachments.routes.ts';
import { DOCX_BYTES, EXE_BYTES, PNG_BYTES, pdfBytes, XLSM_BYTES } from './attachments.test-fixtures.ts';
import { storeAttachment } from './attachments.ts';

const MAX = 64 * 1024;
let h: DatabaseHandle;
let app: FastifyInstance;
let dir: string;
const as: Record<string, { cookie: string }> = {};
const scanned: string[] = [];

beforeAll(async () => {
  h = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-attachments-'));
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.register(attachmentRoutes, {
    dir,
    maxBytes: MAX,
    scan: async (filePath, meta) => {
      scanned.push(meta.filename);
      const text = fs.readFileSync(filePath, 'latin1');
      if (text.includes('SCAN-CRASH-MARKER')) throw new Error('scanner unreachable');
      return text.includes('INFECTED-TEST-MARKER') ? { clean: false, reason: 'Test.Signature' } : { clean: true };
    },
  });
  await app.ready();
  for (const who of ['requester.rco-cl', 'requester.minusca', 'agent.unon', 'agent.kjso', 'viewer']) {
    as[who] = await signInAs(app, `${who}@meridian.test`);
  }
});
afterAll(async () => {
  await app.close();
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openCase(): Promise<{ reference: string; id: string }> {
  const r = await app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: as['requester.rco-cl'],
    payload: {
      service: 'PAY-PAYROLL',
      title: 'Payslip attached',
      fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
      impact: 2,
      urgency: 2,
    },
  });
  expect(r.statusCode).toBe(201);
  return r.json();
}

async function upload(who: string, ref: string, filename: string, content: Buffer, type = 'application/pdf') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(content)], { type }), filename);
  const body = new Response(form);
  return app.inject({
    method: 'POST',
    url: `/api/cases/${ref}/attachments`,
    headers: { ...as[who], 'content-type': body.headers.get('content-type') as string },
    payload: Buffer.from(await body.arrayBuffer()),
  });
}

/** Every file under the attachments folder (temporary ones included). */
function filesOnDisk(): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}
async function counts() {
  const a = await sql<{ n: string }>`select count(*) as n from attachments`.execute(h.db);
  const e = await sql<{ n: string }>`select count(*) as n from case_events where type = 'attachment-added'`.execute(h.db);
  return { rows: Number(a.rows[0]?.n), events: Number(e.rows[0]?.n), files: filesOnDisk().length };
}

describe('attachments', () => {
  it("stores a PDF and serves it to the requester and the provider's agent, not to others", async () => {
    const c = await openCase();
    const pdf = pdfBytes(2000);
    const r = await upload('requester.rco-cl', c.reference, 'Payslip Octobre é.pdf', pdf, 'application/octet-stream');
    expect(r.statusCode).toBe(201);
    const a = r.json();
    expect(a).toMatchObject({
      filename: 'Payslip Octobre é.pdf',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      url: `/api/cases/${c.reference}/attachments/${a.id}`,
    });
    expect(r.headers.location).toBe(a.url);
    const row = await sql<{
      storage_path: string;
      uploaded_by: number;
    }>`select storage_path, uploaded_by from attachments where id = ${a.id}`.execute(h.db);
    expect(row.rows[0]?.storage_path).toBe(`${c.id}/${a.id}`);
    expect(fs.readFileSync(path.join(dir, c.id, a.id)).equals(pdf)).toBe(true);
    expect(filesOnDisk().some((f) => f.endsWith('.part'))).toBe(false);

    for (const who of ['requester.rco-cl', 'agent.unon', 'viewer']) {
      const d = await app.inject({ url: a.url, headers: as[who] });
      expect(d.statusCode, who).toBe(200);
      expect(d.rawPayload.equals(pdf)).toBe(true);
      expect(d.headers['content-type']).toBe('application/pdf');
      expect(d.headers['content-disposition']).toBe(
        `attachment; filename="Payslip Octobre _.pdf"; filename*=UTF-8''Payslip%20Octobre%20%C3%A9.pdf`,
      );
      expect(d.headers['x-content-type-options']).toBe('nosniff');
      // the download's own policy, not the app's: a file never runs a script, even opened in the browser
      expect(d.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    }
    for (const who of ['agent.kjso', 'requester.minusca']) {
      const d = await app.inject({ url: a.url, headers: as[who] });
      expect(d.statusCode, who).toBe(404);
      expect(d.json().code).toBe('CASE_NOT_FOUND');
      expect((await app.inject({ url: `/api/cases/${c.reference}/attachments`, headers: as[who] })).statusCode).toBe(404);
    }
    expect((await app.inject({ url: a.url })).statusCode).toBe(401);
    const missing = await app.inject({
      url: `/api/cases/${c.reference}/attachments/${crypto.randomUUID()}`,
      headers: as['agent.unon'],
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ATTACHMENT_NOT_FOUND');

    const list = (await app.inject({ url: `/api/cases/${c.reference}/attachments`, headers: as['agent.unon'] })).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    const timeline = (await app.inject({ url: `/api/cases/${c.reference}`, headers: as['agent.unon'] })).json().timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'attachment-added', after: { attachment: a.id, sha256: a.sha256 } });
  });

  it('accepts Office files and CSV by their content', async () => {
    const c = await openCase();
    const docx = await upload('agent.unon', c.reference, 'letter.docx', DOCX_BYTES, 'application/octet-stream');
    expect(docx.statusCode).toBe(201);
    expect(docx.json().contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const csv = await upload(
      'requester.rco-cl',
      c.reference,
      'hours.csv',
      Buffer.from('date;hours\n2026-10-01;8\n'),
      'application/vnd.ms-excel',
    );
    expect(csv.statusCode).toBe(201);
    expect(csv.json().contentType).toBe('text/csv');
  });

  it('refuses a file over the limit with 413, keeping nothing', async () => {
    const c = await openCase();
    const before = await counts();
    for (const size of [MAX + 1, 100 * 1024, 400 * 1024]) {
      const r = await upload('requester.rco-cl', c.reference, 'big.pdf', pdfBytes(size));
      expect(r.statusCode, `${size} bytes`).toBe(413);
      expect(r.json().code).toBe('ATTACHMENT_TOO_LARGE');
    }
    expect(await counts()).toEqual(before);
    // Exactly at the limit is accepted.
    expect((await upload('requester.rco-cl', c.reference, 'limit.pdf', pdfBytes(MAX))).statusCode).toBe(201);
  });

  it('refuses an executable renamed .pdf, a PNG named .pdf and a macro workbook with 415', async () => {
    const c = await openCase();
    const before = await counts();
    const exe = await upload('requester.rco-cl', c.reference, 'invoice.pdf', EXE_BYTES);
    expect(exe.statusCode).toBe(415);
    expect(exe.json()).toMatchObject({ code: 'ATTACHMENT_TYPE_REFUSED', detail: expect.stringMatching(/Windows executable/) });
    const png = await upload('requester.rco-cl', c.reference, 'scan.pdf', PNG_BYTES, 'application/pdf');
    expect(png.statusCode).toBe(415);
    expect(png.json().detail).toMatch(/PNG image/);
    expect((await upload('requester.rco-cl', c.reference, 'budget.xlsx', XLSM_BYTES)).statusCode).toBe(415);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file the virus scan flags (422) or cannot check (503), keeping nothing', async () => {
    const c = await openCase();
    const before = await counts();
    const infected = await upload('requester.rco-cl', c.reference, 'form.pdf', pdfBytes(1000, 'INFECTED-TEST-MARKER'));
    expect(infected.statusCode).toBe(422);
    expect(infected.json()).toMatchObject({ code: 'ATTACHMENT_INFECTED', detail: expect.stringContaining('Test.Signature') });
    expect(scanned).toContain('form.pdf');
    const crash = await upload('requester.rco-cl', c.reference, 'form2.pdf', pdfBytes(1000, 'SCAN-CRASH-MARKER'));
    expect(crash.statusCode).toBe(503);
    expect(crash.json().code).toBe('ATTACHMENT_SCAN_FAILED');
    expect(await counts()).toEqual(before);
  });

  it('checks who may upload, and what was sent', async () => {
    const c = await openCase();
    const before = await counts();
    expect((await upload('viewer', c.reference, 'a.pdf', pdfBytes())).statusCode).toBe(403);
    const other = await upload('agent.kjso', c.reference, 'a.pdf', pdfBytes());
    expect(other.statusCode).toBe(404);
    expect((await upload('requester.rco-cl', 'MER-999999', 'a.pdf', pdfBytes())).statusCode).toBe(404);
    const json = await app.inject({
      method: 'POST',
      url: `/api/cases/${c.reference}/attachments`,
      headers: as['requester.rco-cl'],
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(400);
    expect((await upload('requester.rco-cl', c.reference, 'empty.pdf', Buffer.alloc(0))).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("moves the case up 'recently updated' when a file is added, without changing its version", async () => {
    const c = await openCase();
    const agent = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    if (!agent) throw new Error('demo agent missing');
    const at = new Date(Date.now() + 10 * 60_000);
    await storeAttachment(
      h.db,
      agent,
      c.reference,
      { filename: 'note.pdf', stream: Readable.from([pdfBytes()]) },
      { dir, now: at },
    );
    const v = await app.inject({ url: `/api/cases/${c.reference}`, headers: as['requester.rco-cl'] });
    expect(v.json().case).toMatchObject({ updatedAt: at.toISOString(), version: 1 });
  });

  it('removes the file when the transaction fails', async () => {
    const c = await openCase();
    const before = await counts();
    const ghost = {
      id: 987654,
      email: 'ghost@meridian.test',
      name: 'Ghost',
      role: 'administrator' as const,
      scope: null,
      locale: 'en',
      active: true,
    };
    await expect(
      storeAttachment(h.db, ghost, c.reference, { filename: 'a.pdf', stream: Readable.from([pdfBytes()]) }, { dir }),
    ).rejects.toThrow();
    expect(await counts()).toEqual(before);
  });
});
