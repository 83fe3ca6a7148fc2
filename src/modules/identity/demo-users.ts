/**
 * Demo users (`data/reference/demo-users.json`): one or more per role, created with the reference data
 * unless MERIDIAN_DEMO_USERS=false. Existing users (and their passwords) are never overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { REFERENCE_DIR } from '../reference/reference-data.ts';
import { existingEmails, insertUsersIfAbsent } from './identity.repository.ts';
import { RoleSchema, ScopeSchema } from './identity.schema.ts';
import { hashPassword } from './passwords.ts';

const DemoUsersFile = z.object({
  source: z.string(),
  password: z.string().min(8),
  records: z.array(
    z.object({
      email: z.string().email(),
      name: z.string().min(1),
      role: RoleSchema,
      scope: ScopeSchema,
      locale: z.string().optional(),
    }),
  ),
});

/**
 * Creates the demo users that do not exist yet.
 * @returns the number of users created.
 * @throws AppError REFERENCE_DATA_INVALID when the file is malformed.
 */
export async function ensureDemoUsers(db: Kysely<Database>, dir: string = REFERENCE_DIR): Promise<number> {
  const parsed = DemoUsersFile.safeParse(JSON.parse(fs.readFileSync(path.join(dir, 'demo-users.json'), 'utf8')));
  if (!parsed.success) {
    throw new AppError(
      'REFERENCE_DATA_INVALID',
      `demo-users.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const { password, records } = parsed.data;
  const taken = await existingEmails(
    db,
    records.map((r) => r.email),
  );
  const missing = records.filter((r) => !taken.has(r.email.toLowerCase()));
  if (missing.length === 0) return 0;
  const passwordHash = await hashPassword(password);
  return insertUsersIfAbsent(
    db,
    missing.map((r) => ({
      email: r.email,
      name: r.name,
      role: r.role,
      scope: r.scope,
      passwordHash,
      ...(r.locale ? { locale: r.locale } : {}),
    })),
  );
}
