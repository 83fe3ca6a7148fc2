/**
 * The migration list, in order. Files are named `YYYYMMDDTHHMM-what.ts`; a landed migration is never edited.
 * Listed statically so that migrations run the same under tsx, in tests and in a bundle.
 */
import type { Migration } from 'kysely';
import * as m20261129T1200 from './20261129T1200-directory-catalogue-assignments.ts';
import * as m20261129T1300 from './20261129T1300-identity.ts';
import * as m20261129T1400 from './20261129T1400-cases.ts';
import * as m20261129T1500 from './20261129T1500-email-attachments.ts';
import * as m20261129T1600 from './20261129T1600-case-queue-indexes.ts';
import * as m20261129T1700 from './20261129T1700-sla.ts';
import * as m20261129T1800 from './20261129T1800-surveys.ts';
import * as m20261129T1900 from './20261129T1900-planning.ts';
import * as m20261129T2000 from './20261129T2000-agreements-billing.ts';
import * as m20261129T2100 from './20261129T2100-performance.ts';
import * as m20261130T0300 from './20261130T0300-performance-histograms.ts';
import * as m20261130T0400 from './20261130T0400-performance-queue.ts';
import * as m20261130T0500 from './20261130T0500-reference-data-version.ts';
import * as m20261130T0600 from './20261130T0600-sla-job-chain.ts';
import * as m20261130T0700 from './20261130T0700-cases-search-no-pending-list.ts';
import * as m20261130T0800 from './20261130T0800-reference-names-en-fr.ts';
import * as m20261130T0900 from './20261130T0900-user-names-version.ts';

export const migrations: Record<string, Migration> = {
  '20261129T1200-directory-catalogue-assignments': m20261129T1200,
  '20261129T1300-identity': m20261129T1300,
  '20261129T1400-cases': m20261129T1400,
  '20261129T1500-email-attachments': m20261129T1500,
  '20261129T1600-case-queue-indexes': m20261129T1600,
  '20261129T1700-sla': m20261129T1700,
  '20261129T1800-surveys': m20261129T1800,
  '20261129T1900-planning': m20261129T1900,
  '20261129T2000-agreements-billing': m20261129T2000,
  '20261129T2100-performance': m20261129T2100,
  '20261130T0300-performance-histograms': m20261130T0300,
  '20261130T0400-performance-queue': m20261130T0400,
  '20261130T0500-reference-data-version': m20261130T0500,
  '20261130T0600-sla-job-chain': m20261130T0600,
  '20261130T0700-cases-search-no-pending-list': m20261130T0700,
  '20261130T0800-reference-names-en-fr': m20261130T0800,
  '20261130T0900-user-names-version': m20261130T0900,
};
