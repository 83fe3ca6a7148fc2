import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCX_BYTES, EXE_BYTES, PNG_BYTES, pdfBytes, XLSM_BYTES, zipBytes } from './attachments.test-fixtures.ts';
import { contentDisposition, detectAttachmentType, safeFilename } from './attachments.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-attach-unit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function detect(bytes: Buffer, ext: string) {
  const p = path.join(dir, `f-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(p, bytes);
  const t = await detectAttachmentType(bytes.subarray(0, 64 * 1024), p, bytes.length, ext);
  return 'refused' in t ? { refused: t.refused } : t.contentType;
}

describe('detectAttachmentType', () => {
  it('reads the type from the content', async () => {
    expect(await detect(pdfBytes(), 'pdf')).toBe('application/pdf');
    expect(await detect(PNG_BYTES, 'png')).toBe('image/png');
    expect(await detect(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'jpg')).toBe('image/jpeg');
    expect(await detect(Buffer.from('GIF89a\x01\x00'), 'gif')).toBe('image/gif');
    expect(await detect(Buffer.from('a;b\n1;2\n'), 'csv')).toBe('text/csv');
    expect(await detect(Buffer.from('plain words\n'), 'txt')).toBe('text/plain');
    expect(await detect(Buffer.from('\xff\xfea\0b\0', 'latin1'), 'txt')).toBe('text/plain');
    expect(await detect(DOCX_BYTES, 'docx')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('refuses executables, macros, archives and binary junk whatever their name', async () => {
    expect(await detect(EXE_BYTES, 'pdf')).toEqual({ refused: expect.stringMatching(/Windows executable/) });
    expect(await detect(Buffer.from('\x7fELF\x02\x01'), 'txt')).toEqual({ refused: expect.stringMatching(/Linux executable/) });
    expect(await detect(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'txt')).toEqual({ refused: expect.stringMatching(/script/) });
    expect(await detect(XLSM_BYTES, 'xlsx')).toEqual({ refused: expect.stringMatching(/macros/) });
    expect(await detect(zipBytes({ 'a.exe': 'MZ' }), 'docx')).toEqual({ refused: expect.stringMatching(/ZIP archive/) });
    expect(await detect(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'docx')).toEqual({
      refused: expect.stringMatching(/damaged/),
    });
    expect(await detect(Buffer.from([1, 2, 0, 4, 5, 6]), 'txt')).toEqual({ refused: expect.stringMatching(/not accepted/) });
  });
});

describe('file names', () => {
  it('keeps the last segment without controls, bidi overrides, quotes or leading dots', () => {
    expect(safeFilename('C:\\Users\\ana\\Payslip "Oct".pdf')).toBe('Payslip Oct.pdf');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFilename('.hidden\u0000.txt')).toBe('hidden.txt');
    expect(safeFilename('   ')).toBe('file');
    const long = safeFilename(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('sends an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('Relevé (oct).pdf')).toBe(
      `attachment; filename="Relev_ (oct).pdf"; filename*=UTF-8''Relev%C3%A9%20%28oct%29.pdf`,
    );
  });
});
