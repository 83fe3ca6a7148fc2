/**
 * Attachments of cases: files kept on disk under `<dataDir>/attachments/<case id>/<uuid>`, one row each in
 * `attachments`, and an `attachment-added` case event.
 *
 * An upload is streamed to a temporary file beside its final place (`.<uuid>.part`) while its size is
 * counted and its SHA-256 computed; its type is then read from its first bytes (magic numbers, the ZIP
 * directory of Office files) — the declared type is not trusted — and must be on the allow-list and agree
 * with the file name's extension; then the virus-scan hook runs; then the row and the event are written in
 * one transaction whose last step renames the file into place. Any failure deletes the file: nothing is
 * left half-written.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import type { User } from '../identity/identity.schema.ts';
import { roleHas } from '../identity/permissions.ts';
import { type AttachmentRow, findAttachment, findAttachments, insertAttachment } from './attachments.repository.ts';
import { appendCaseEvent, findCaseRow, findCaseRowById, touchCase } from './cases.repository.ts';

/** Default largest upload: 10 MiB (10,485,760 bytes). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The accepted kinds of file: content type, the extensions its name may end with, and a label. */
export const ATTACHMENT_TYPES = [
  { contentType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  { contentType: 'image/png', extensions: ['png'], label: 'PNG image' },
  { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG image' },
  { contentType: 'image/gif', extensions: ['gif'], label: 'GIF image' },
  { contentType: 'image/webp', extensions: ['webp'], label: 'WebP image' },
  { contentType: 'text/plain', extensions: ['txt'], label: 'text file' },
  { contentType: 'text/csv', extensions: ['csv'], label: 'CSV file' },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word document',
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel workbook',
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'PowerPoint presentation',
  },
] as const;
type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The answer of a virus scanner about one file. */
export interface ScanVerdict {
  clean: boolean;
  /** What was found, e.g. the signature name; shown to the uploader. */
  reason?: string;
}
/** What the scan hook is told about the file besides its path. */
export interface ScanMeta {
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  caseReference: string;
}
/**
 * A virus-scan hook: called with the path of the (temporary) file once it is complete and typed, before
 * anything is recorded. Resolve `{clean: false, reason}` to refuse the file; a rejection refuses it too
 * (ATTACHMENT_SCAN_FAILED). Default: every file is accepted.
 */
export type ScanHook = (filePath: string, meta: ScanMeta) => Promise<ScanVerdict>;

export interface AttachmentOptions {
  /** Folder of the attachments: `<dataDir>/attachments` (created when missing). */
  dir: string;
  /** Largest file, bytes (ATTACHMENT_MAX_BYTES; default 10,485,760). */
  maxBytes?: number;
  scan?: ScanHook;
  now?: Date;
}

/** An incoming file: its declared name and type, and its bytes. */
export interface IncomingFile {
  filename: string;
  /** The type the client declared (kept for logs only: the stored type is detected). */
  declaredType?: string;
  stream: Readable;
  /** Whether the source cut the file at its own limit (busboy's `truncated`). */
  truncated?: () => boolean;
}

/** An attachment as the API shows it. */
export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: { id: number; name: string } | null;
  createdAt: string;
  /** Where to download it. */
  url: string;
}

const HEAD_BYTES = 64 * 1024;

/**
 * A file name safe to store and to send back: the last path segment, without control characters,
 * invisible format characters such as bidirectional overrides (`invoice\u202Efdp.exe`), quotes or leading dots; at most 200 characters, keeping
 * the extension; `file` when nothing is left.
 */
export function safeFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  let s = last
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"]/gu, '')
    .trim()
    .replace(/^\.+/, '');
  if (s.length > 200) {
    const ext = path.extname(s).slice(0, 20);
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s || 'file';
}

/** `Content-Disposition: attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

const startsWith = (b: Buffer, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Kinds of file refused by name, for a clear message. */
function refusedKind(head: Buffer): string | null {
  if (startsWith(head, ascii('MZ'))) return 'a Windows executable';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'a Linux executable';
  for (const m of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
  ])
    if (startsWith(head, m)) return 'a macOS executable';
  if (startsWith(head, ascii('#!'))) return 'a script';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return 'a legacy Office file (doc, xls, msg); save it as docx, xlsx or PDF';
  if (startsWith(head, ascii('Rar!')) || startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'an archive';
  if (startsWith(head, [0x1f, 0x8b])) return 'a compressed archive';
  return null;
}

/** Whether the first bytes look like text: a UTF-16 BOM, or no NUL and few control characters. */
function looksLikeText(head: Buffer): boolean {
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true;
  let controls = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  }
  return controls <= head.length / 100;
}

/**
 * Names of the entries of a ZIP file, read from its central directory (no extraction); null when the
 * file is no well-formed ZIP (or a ZIP64 one, which no Office file of our sizes needs).
 */
export async function zipEntryNames(filePath: string, size: number): Promise<string[] | null> {
  if (size < 22) return null;
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return null;
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size || cdSize > 16 * 1024 * 1024) return null;
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return null;
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      names.push(cd.toString('utf8', p + 46, p + 46 + nameLen));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return names;
  } finally {
    await fh.close();
  }
}

const byType = (ct: string): AttachmentType => ATTACHMENT_TYPES.find((t) => t.contentType === ct) as AttachmentType;

/**
 * The type of a complete file from its content, given its first bytes (up to 64 KiB), its path and size,
 * and the extension of its name (lower case, no dot; '' for none).
 * @returns the accepted type, or `{refused}` with a reason for the uploader.
 */
export async function detectAttachmentType(
  head: Buffer,
  filePath: string,
  size: number,
  extension: string,
): Promise<AttachmentType | { refused: string }> {
  const named = refusedKind(head);
  if (named) return { refused: `The file is ${named}; such files are not accepted` };
  if (head.subarray(0, 1024).includes('%PDF-')) return byType('application/pdf');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return byType('image/png');
  if (startsWith(head, [0xff, 0xd8, 0xff])) return byType('image/jpeg');
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return byType('image/gif');
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return byType('image/webp');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    const names = await zipEntryNames(filePath, size);
    if (!names) return { refused: 'The file is a damaged or unsupported ZIP archive' };
    if (names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n)))
      return { refused: 'The file contains macros; save it without macros (docx, xlsx, pptx)' };
    if (names.includes('[Content_Types].xml')) {
      if (names.includes('word/document.xml')) return byType(ATTACHMENT_TYPES[7].contentType);
      if (names.includes('xl/workbook.xml')) return byType(ATTACHMENT_TYPES[8].contentType);
      if (names.includes('ppt/presentation.xml')) return byType(ATTACHMENT_TYPES[9].contentType);
    }
    return { refused: 'The file is a ZIP archive; archives are not accepted' };
  }
  if (looksLikeText(head)) return byType(extension === 'csv' ? 'text/csv' : 'text/plain');
  return { refused: 'The type of the file is not accepted (PDF, images, text, CSV, Word, Excel, PowerPoint)' };
}

/** Counts, hashes and keeps the first bytes of a stream; fails past `max` bytes. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  private readonly headParts: Buffer[] = [];
  private headLen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      cb(new AppError('ATTACHMENT_TOO_LARGE', `The file is larger than ${this.max} bytes`));
      return;
    }
    this.hash.update(chunk);
    if (this.headLen < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLen);
      this.headParts.push(part);
      this.headLen += part.length;
    }
    cb(null, chunk);
  }
  head(): Buffer {
    return Buffer.concat(this.headParts);
  }
}

async function removeQuietly(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => fs.promises.rm(p, { force: true }).catch(() => {})));
}

function toView(reference: string, r: AttachmentRow): AttachmentView {
  return {
    id: r.id,
    filename: r.filename,
    contentType: r.contentType,
    sizeBytes: r.sizeBytes,
    sha256: r.sha256,
    uploadedBy: r.uploadedBy,
    createdAt: r.createdAt,
    url: `/api/cases/${reference}/attachments/${r.id}`,
  };
}

async function visibleCase(db: Kysely<Database>, actor: User, reference: string) {
  const row = await findCaseRow(db, actor, reference);
  if (!row) throw new AppError('CASE_NOT_FOUND', `No case ${reference} that you can see`);
  return row;
}

/**
 * Stores a file on a case that `actor` can see and may reply on, with an `attachment-added` event; the case
 * moves up "recently updated" (`updated_at`, and its parent's for a child task) without a new version.
 * @returns the stored attachment (its type is the detected one).
 * @throws AppError CASE_NOT_FOUND (404), FORBIDDEN (403, a role that cannot reply), CASE_NOT_OPEN (409,
 *   cancelled or merged case), VALIDATION_FAILED (400, empty file), ATTACHMENT_TOO_LARGE (413, more than
 *   `maxBytes` bytes), ATTACHMENT_TYPE_REFUSED (415), ATTACHMENT_INFECTED (422, the scan hook said so),
 *   ATTACHMENT_SCAN_FAILED (503, the scan hook failed). Nothing is kept on any error.
 */
export async function storeAttachment(
  db: Kysely<Database>,
  actor: User,
  reference: string,
  file: IncomingFile,
  opts: AttachmentOptions,
): Promise<AttachmentView> {
  if (!roleHas(actor.role, 'cases:reply')) throw new AppError('FORBIDDEN', 'Your role cannot add files to cases');
  const row = await visibleCase(db, actor, reference);
  if (row.state === 'cancelled') throw new AppError('CASE_NOT_OPEN', `${reference} is cancelled`);
  if (row.state === 'merged') {
    const primary = row.merged_into_case_id ? await findCaseRowById(db, row.merged_into_case_id) : undefined;
    throw new AppError(
      'CASE_NOT_OPEN',
      `${reference} was merged into ${primary?.reference ?? 'another case'}; attach files there`,
    );
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  const filename = safeFilename(file.filename);
  const id = randomUUID();
  const caseDir = path.join(opts.dir, String(row.id));
  const finalPath = path.join(caseDir, id);
  const tempPath = path.join(caseDir, `.${id}.part`);
  await fs.promises.mkdir(caseDir, { recursive: true, mode: 0o700 });
  const meter = new Meter(maxBytes);
  try {
    await pipeline(file.stream, meter, fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
    if (file.truncated?.()) throw new AppError('ATTACHMENT_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
    if (meter.bytes === 0)
      throw new AppError('VALIDATION_FAILED', 'The file is empty', { issues: [{ field: 'file', message: 'is empty' }] });
    let extension = path.extname(filename).slice(1).toLowerCase();
    const type = await detectAttachmentType(meter.head(), tempPath, meter.bytes, extension);
    if ('refused' in type) throw new AppError('ATTACHMENT_TYPE_REFUSED', type.refused, { details: { filename } });
    let storedName = filename;
    if (!extension) {
      extension = type.extensions[0];
      storedName = `${filename}.${extension}`;
    }
    if (!(type.extensions as readonly string[]).includes(extension)) {
      throw new AppError(
        'ATTACHMENT_TYPE_REFUSED',
        `The name ends in .${extension} but the content is of another type: ${type.label} (.${type.extensions[0]})`,
        { details: { filename, detected: type.contentType } },
      );
    }
    const sha256 = meter.hash.digest('hex');
    const meta: ScanMeta = {
      filename: storedName,
      contentType: type.contentType,
      sizeBytes: meter.bytes,
      sha256,
      caseReference: row.reference,
    };
    let verdict: ScanVerdict;
    try {
      verdict = opts.scan ? await opts.scan(tempPath, meta) : { clean: true };
    } catch {
      throw new AppError('ATTACHMENT_SCAN_FAILED', 'The virus scan could not check the file; try again later');
    }
    if (!verdict.clean) {
      throw new AppError(
        'ATTACHMENT_INFECTED',
        `The file was refused by the virus scan${verdict.reason ? `: ${verdict.reason}` : ''}`,
        {
          details: { filename: storedName },
        },
      );
    }
    const at = opts.now ?? new Date();
    const stored: AttachmentRow = {
      id,
      caseId: String(row.id),
      messageId: null,
      filename: storedName,
      contentType: type.contentType,
      sizeBytes: meter.bytes,
      sha256,
      storagePath: `${row.id}/${id}`,
      uploadedBy: { id: actor.id, name: actor.name },
      createdAt: at.toISOString(),
    };
    await db.transaction().execute(async (trx) => {
      await insertAttachment(trx, { ...stored, uploadedBy: actor.id, at });
      await appendCaseEvent(trx, {
        caseId: String(row.id),
        at,
        actorUserId: actor.id,
        type: 'attachment-added',
        after: { attachment: id, filename: storedName, contentType: type.contentType, sizeBytes: meter.bytes, sha256 },
      });
      // "recently updated" sees the file; the version stays (no 412 for someone editing the case)
      await touchCase(trx, String(row.id), at);
      // Last step before commit: a failed commit removes the file below.
      await fs.promises.rename(tempPath, finalPath);
    });
    return toView(row.reference, stored);
  } catch (e) {
    await removeQuietly(tempPath, finalPath);
    if (!file.stream.destroyed) file.stream.resume();
    throw e;
  }
}

/**
 * The attachments of a case that `actor` can see, oldest first.
 * @throws AppError CASE_NOT_FOUND.
 */
export async function listAttachments(db: Kysely<Database>, actor: User, reference: string): Promise<AttachmentView[]> {
  const row = await visibleCase(db, actor, reference);
  return (await findAttachments(db, String(row.id))).map((r) => toView(row.reference, r));
}

/**
 * Opens an attachment of a case that `actor` can see, for streaming.
 * @returns the attachment, its size in bytes and a read stream of its bytes.
 * @throws AppError CASE_NOT_FOUND, ATTACHMENT_NOT_FOUND (404 both: another scope's files are not revealed);
 *   Error when the row exists but the file is missing from the folder (a storage fault: 500).
 */
export async function openAttachment(
  db: Kysely<Database>,
  actor: User,
  reference: string,
  id: string,
  opts: Pick<AttachmentOptions, 'dir'>,
): Promise<{ attachment: AttachmentView; sizeBytes: number; stream: fs.ReadStream }> {
  const row = await visibleCase(db, actor, reference);
  const a = await findAttachment(db, String(row.id), id);
  if (!a) throw new AppError('ATTACHMENT_NOT_FOUND', `No attachment ${id} on ${reference}`);
  const root = path.resolve(opts.dir);
  const filePath = path.resolve(root, a.storagePath);
  if (!filePath.startsWith(root + path.sep)) throw new Error(`attachment ${id}: storage path outside the attachments folder`);
  const stat = await fs.promises.stat(filePath).catch(() => null);
  if (!stat) throw new Error(`attachment ${id}: file ${a.storagePath} is missing from ${root}`);
  return { attachment: toView(row.reference, a), sizeBytes: stat.size, stream: fs.createReadStream(filePath) };
}
