/** All SQL of case attachments (table `attachments`, migration 20261129T1400-cases). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An attachment row with its uploader's name. */
export interface AttachmentRow {
  id: string;
  caseId: string;
  messageId: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storagePath: string;
  uploadedBy: { id: number; name: string } | null;
  createdAt: string;
}

/** Inserts an attachment row. */
export async function insertAttachment(
  db: Db,
  a: {
    id: string;
    caseId: string;
    messageId: string | null;
    filename: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    storagePath: string;
    uploadedBy: number | null;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('attachments')
    .values({
      id: a.id,
      case_id: a.caseId,
      message_id: a.messageId,
      filename: a.filename,
      content_type: a.contentType,
      size_bytes: a.sizeBytes,
      sha256: a.sha256,
      storage_path: a.storagePath,
      uploaded_by: a.uploadedBy,
      created_at: a.at,
    })
    .execute();
}

function select(db: Db) {
  return db
    .selectFrom('attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .select([
      'a.id',
      'a.case_id',
      'a.message_id',
      'a.filename',
      'a.content_type',
      'a.size_bytes',
      'a.sha256',
      'a.storage_path',
      'a.created_at',
      'u.id as u_id',
      'u.name as u_name',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: a row of the join above
function toRow(r: any): AttachmentRow {
  return {
    id: r.id,
    caseId: String(r.case_id),
    messageId: r.message_id === null ? null : String(r.message_id),
    filename: r.filename,
    contentType: r.content_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    storagePath: r.storage_path,
    uploadedBy: r.u_id ? { id: r.u_id, name: r.u_name } : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** One attachment of a case, or undefined (an id of another case is not found). */
export async function findAttachment(db: Db, caseId: string, id: string): Promise<AttachmentRow | undefined> {
  const r = await select(db).where('a.case_id', '=', caseId).where('a.id', '=', id).executeTakeFirst();
  return r ? toRow(r) : undefined;
}

/** The attachments of a case, oldest first. */
export async function findAttachments(db: Db, caseId: string): Promise<AttachmentRow[]> {
  const rows = await select(db).where('a.case_id', '=', caseId).orderBy('a.created_at').orderBy('a.id').execute();
  return rows.map(toRow);
}
