/**
 * Configuration, parsed once from the environment (and CLI overrides) into a typed object.
 * Every key is documented in `.env.example`. Fails fast with a message naming the bad key.
 */
import path from 'node:path';
import { z } from 'zod';

export const ConfigSchema = z.object({
  /** Folder holding the embedded PGlite database (and later attachments). */
  dataDir: z.string().min(1),
  /** `postgres://...` switches from PGlite to a PostgreSQL server. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Absolute session lifetime, minutes. */
  sessionTtlMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30),
  /** Idle session lifetime, minutes. */
  sessionIdleMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30),
  /** Mark the session cookie Secure (serve over HTTPS). */
  secureCookies: z.enum(['true', 'false']).transform((v) => v === 'true'),
  /** Sign-in attempts allowed per client address per minute. */
  signInRateLimit: z.coerce.number().int().min(1).max(10_000),
  /** Create the demo users (one per role, README) with the reference data. */
  demoUsers: z.enum(['true', 'false']).transform((v) => v === 'true'),
  /** SMTP relay of the e-mail outbox; unset: sending is disabled and e-mails stay queued. */
  smtpHost: z.string().min(1).optional(),
  smtpPort: z.coerce.number().int().min(1).max(65535),
  /** TLS from the first byte (port 465); false: STARTTLS when the relay offers it. */
  smtpSecure: z.enum(['true', 'false']).transform((v) => v === 'true'),
  smtpUser: z.string().min(1).optional(),
  smtpPassword: z.string().min(1).optional(),
  /** From address of Meridian's e-mails. */
  smtpFrom: z.string().min(3),
  /** Reply-To address that reaches the inbound listener (optional). */
  smtpReplyTo: z.string().min(3).optional(),
  /** How often the outbox is checked, ms. */
  outboxIntervalMs: z.coerce.number().int().min(100).max(3_600_000),
  /** How often due SLA escalations (warnings, breaches) are fired, ms. */
  slaEscalationIntervalMs: z.coerce.number().int().min(100).max(3_600_000),
  /** Port of the inbound SMTP listener for replies by e-mail; unset: off. */
  inboundSmtpPort: z.coerce.number().int().min(0).max(65535).optional(),
  inboundSmtpHost: z.string().min(1),
  /** Largest attachment, bytes. */
  attachmentMaxBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024),
  /** Base URL of the web app for links in e-mails; unset: `http://HOST:PORT`. */
  publicUrl: z.string().url().optional(),
  /** Surveys: at most one transactional survey invitation per person per this many days. */
  surveyThrottleDays: z.coerce.number().int().min(0).max(365).default(30),
  /** Surveys: days a transactional survey link stays valid. */
  surveyLinkTtlDays: z.coerce.number().int().min(1).max(365).default(14),
  /** Surveys: HMAC secret of survey links; unset: a random one kept in the database. */
  surveyLinkSecret: z.string().min(32, 'at least 32 characters').optional(),
  /** Surveys: anonymous answers enter a figure only in groups of at least this many. */
  surveyAnonymousMinGroup: z.coerce.number().int().min(1).max(1000).default(5),
});
export type Config = z.infer<typeof ConfigSchema>;

export type ConfigOverrides = Partial<Pick<Config, 'dataDir' | 'databaseUrl' | 'port' | 'host'>>;

/**
 * Builds the configuration from `env` (default `process.env`) and explicit overrides (CLI flags win).
 * Keys: MERIDIAN_DATA_DIR (default `./.meridian-data`), DATABASE_URL, PORT (3000), HOST (127.0.0.1), LOG_LEVEL (info),
 * SESSION_TTL_MINUTES (720), SESSION_IDLE_MINUTES (120), COOKIE_SECURE (false), SIGN_IN_RATE_LIMIT (10 per minute),
 * MERIDIAN_DEMO_USERS (true), SMTP_HOST (unset: no sending), SMTP_PORT (587), SMTP_SECURE (false), SMTP_USER, SMTP_PASSWORD,
 * SMTP_FROM (`Meridian <meridian@localhost>`), SMTP_REPLY_TO, OUTBOX_INTERVAL_MS (10000), SLA_ESCALATION_INTERVAL_MS (30000), INBOUND_SMTP_PORT (unset: off),
 * INBOUND_SMTP_HOST (127.0.0.1), ATTACHMENT_MAX_BYTES (10485760), PUBLIC_URL (http://HOST:PORT), SURVEY_THROTTLE_DAYS (30),
 * SURVEY_LINK_TTL_DAYS (14), SURVEY_LINK_SECRET (unset: random, kept in the database), SURVEY_ANONYMOUS_MIN_GROUP (5).
 * @throws Error listing each invalid key and why.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = {
    dataDir: path.resolve(overrides.dataDir ?? env.MERIDIAN_DATA_DIR ?? '.meridian-data'),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    port: overrides.port ?? env.PORT ?? 3000,
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    sessionTtlMinutes: env.SESSION_TTL_MINUTES ?? 720,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES ?? 120,
    secureCookies: env.COOKIE_SECURE ?? 'false',
    signInRateLimit: env.SIGN_IN_RATE_LIMIT ?? 10,
    demoUsers: env.MERIDIAN_DEMO_USERS ?? 'true',
    smtpHost: env.SMTP_HOST || undefined,
    smtpPort: env.SMTP_PORT || 587,
    smtpSecure: env.SMTP_SECURE || 'false',
    smtpUser: env.SMTP_USER || undefined,
    smtpPassword: env.SMTP_PASSWORD || undefined,
    smtpFrom: env.SMTP_FROM || 'Meridian <meridian@localhost>',
    smtpReplyTo: env.SMTP_REPLY_TO || undefined,
    outboxIntervalMs: env.OUTBOX_INTERVAL_MS || 10_000,
    slaEscalationIntervalMs: env.SLA_ESCALATION_INTERVAL_MS || 30_000,
    inboundSmtpPort: env.INBOUND_SMTP_PORT || undefined,
    inboundSmtpHost: env.INBOUND_SMTP_HOST || '127.0.0.1',
    attachmentMaxBytes: env.ATTACHMENT_MAX_BYTES || 10 * 1024 * 1024,
    publicUrl: env.PUBLIC_URL || undefined,
    surveyThrottleDays: env.SURVEY_THROTTLE_DAYS || undefined,
    surveyLinkTtlDays: env.SURVEY_LINK_TTL_DAYS || undefined,
    surveyLinkSecret: env.SURVEY_LINK_SECRET || undefined,
    surveyAnonymousMinGroup: env.SURVEY_ANONYMOUS_MIN_GROUP || undefined,
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const keys: Record<string, string> = {
      dataDir: 'MERIDIAN_DATA_DIR',
      databaseUrl: 'DATABASE_URL',
      port: 'PORT',
      host: 'HOST',
      logLevel: 'LOG_LEVEL',
      sessionTtlMinutes: 'SESSION_TTL_MINUTES',
      sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
      secureCookies: 'COOKIE_SECURE',
      signInRateLimit: 'SIGN_IN_RATE_LIMIT',
      demoUsers: 'MERIDIAN_DEMO_USERS',
      smtpHost: 'SMTP_HOST',
      smtpPort: 'SMTP_PORT',
      smtpSecure: 'SMTP_SECURE',
      smtpUser: 'SMTP_USER',
      smtpPassword: 'SMTP_PASSWORD',
      smtpFrom: 'SMTP_FROM',
      smtpReplyTo: 'SMTP_REPLY_TO',
      outboxIntervalMs: 'OUTBOX_INTERVAL_MS',
      slaEscalationIntervalMs: 'SLA_ESCALATION_INTERVAL_MS',
      inboundSmtpPort: 'INBOUND_SMTP_PORT',
      inboundSmtpHost: 'INBOUND_SMTP_HOST',
      attachmentMaxBytes: 'ATTACHMENT_MAX_BYTES',
      publicUrl: 'PUBLIC_URL',
      surveyThrottleDays: 'SURVEY_THROTTLE_DAYS',
      surveyLinkTtlDays: 'SURVEY_LINK_TTL_DAYS',
      surveyLinkSecret: 'SURVEY_LINK_SECRET',
      surveyAnonymousMinGroup: 'SURVEY_ANONYMOUS_MIN_GROUP',
    };
    const lines = parsed.error.issues.map((i) => `${keys[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
