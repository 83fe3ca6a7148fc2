/**
 * SQL of inbound e-mail: the user behind a From address, and the record of each accepted reply
 * (`inbound_emails`, keyed by Message-ID, so that a message delivered twice lands once).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { Role, Scope, User } from '../identity/identity.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The active user whose e-mail is `address` (compared case-insensitively), with their scope; or undefined. */
export async function findActiveUserByEmail(db: Db, address: string): Promise<User | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'provider_code', 'entity_code', 'locale', 'active'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', address.trim().toLowerCase()))
    .where('active', '=', true)
    .executeTakeFirst();
  if (!r) return undefined;
  const scope: Scope = r.provider_code
    ? { type: 'provider', code: r.provider_code }
    : r.entity_code
      ? { type: 'entity', code: r.entity_code }
      : null;
  return { id: r.id, email: r.email, name: r.name, role: r.role as Role, scope, locale: r.locale, active: r.active };
}

/** The case reference an e-mail with this Message-ID was already added to, if it was. */
export async function findInboundEmail(db: Db, messageId: string): Promise<{ reference: string } | undefined> {
  return db
    .selectFrom('inbound_emails as i')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .select('c.reference')
    .where('i.message_id', '=', messageId)
    .executeTakeFirst();
}

/** Records an accepted e-mail (primary key Message-ID: a concurrent duplicate fails with 23505). */
export async function insertInboundEmail(
  db: Db,
  r: { messageId: string; caseId: string; caseMessageId: string; from: string; at: Date },
): Promise<void> {
  await db
    .insertInto('inbound_emails')
    .values({
      message_id: r.messageId,
      case_id: r.caseId,
      case_message_id: r.caseMessageId,
      from_address: r.from,
      received_at: r.at,
    })
    .execute();
}
