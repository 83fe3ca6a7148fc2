/**
 * Settings of the surveys, from the configuration (SURVEY_* keys and PUBLIC_URL in `server/config.ts`), and
 * the link secret: SURVEY_LINK_SECRET when set, else a random 256-bit secret made on first use and kept in
 * the database's `meta` table (so that links survive a restart and work across instances).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../server/config.ts';
import { type Db, findStoredLinkSecret, storeLinkSecret } from './surveys.repository.ts';

export interface SurveySettings {
  /** At most one transactional invitation per person per this many days (default 30). */
  throttleDays: number;
  /** Days a transactional link stays valid (default 14). */
  linkTtlDays: number;
  /** HMAC secret of the links (at least 32 characters); undefined: the one kept in `meta`. */
  linkSecret?: string | undefined;
  /** Base URL of the web app, for links in e-mails (e.g. `https://meridian.un.org`). */
  publicUrl: string;
  /** Anonymous answers enter a figure only in groups of at least this many (default 5). */
  anonymousMinGroup: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  throttleDays: 30,
  linkTtlDays: 14,
  publicUrl: 'http://127.0.0.1:3000',
  anonymousMinGroup: 5,
};

/** The survey settings of a configuration. */
export function surveySettingsOf(config: Config): SurveySettings {
  return {
    throttleDays: config.surveyThrottleDays,
    linkTtlDays: config.surveyLinkTtlDays,
    linkSecret: config.surveyLinkSecret,
    publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
    anonymousMinGroup: config.surveyAnonymousMinGroup,
  };
}

/** The settings with defaults for whatever `partial` leaves out. */
export function withDefaults(partial: Partial<SurveySettings> | undefined): SurveySettings {
  return { ...DEFAULT_SURVEY_SETTINGS, ...(partial ?? {}) };
}

/** The link secret: the configured one, else the one in `meta` (made and stored on first use). */
export async function linkSecret(db: Db, settings: SurveySettings): Promise<string> {
  if (settings.linkSecret) return settings.linkSecret;
  const stored = await findStoredLinkSecret(db);
  if (stored) return stored;
  return storeLinkSecret(db, randomBytes(32).toString('base64url'));
}
