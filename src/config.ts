import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/**
 * Every setting of the service, from environment variables (and `.env`). The names in PRODUCT.md
 * section 8 are fixed: other tools rely on them.
 */
export const ConfigSchema = z.object({
  PORT: port.default(3000),
  /** Address the web/API server binds to; 0.0.0.0 in containers. */
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000').transform((u) => u.replace(/\/+$/, '')),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  ),
  /** Unset means: `npm start` starts a Temporal dev server and uses 127.0.0.1:7233. */
  TEMPORAL_ADDRESS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port')
      .optional(),
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Frontend port of the dev server `npm start` runs when TEMPORAL_ADDRESS is unset. */
  TEMPORAL_DEV_SERVER_PORT: port.default(7233),
  /** Where operators open Temporal UI (links from the pages); defaults to the dev server's UI. */
  TEMPORAL_UI_URL: optionalString,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('coordination'),
  /**
   * Workflows the worker keeps in memory between tasks. Waiting project updates are evicted beyond this and
   * replayed (a few hundred events) when their timer fires: bounds the worker's memory with 10,000 waiting.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(300),
  /** mTLS to a Temporal server or Temporal Cloud: paths of the client certificate and key. */
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  /** Temporal Cloud API key (alternative to mTLS); implies TLS. */
  TEMPORAL_API_KEY: optionalString,
  SMTP_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  ),
  MAIL_FROM: z.string().min(3).default('secretariat@example.org'),
  /** Signs the secretariat's session cookies; unset means a random one per process (logins end on restart). */
  SESSION_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema> & {
  /** Absolute data folder. */
  dataDir: string;
  /** The Temporal frontend to use (TEMPORAL_ADDRESS or the dev server's default). */
  temporalAddress: string;
  temporalUiUrl: string;
};

/** Variables whose values are secrets: never printed, not even in an error. */
const SECRET_KEYS = new Set(['DATABASE_URL', 'SMTP_URL', 'TEMPORAL_API_KEY', 'SESSION_SECRET']);

/** Raised for a bad setting; the message names the variable and never contains a secret value. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        // zod messages may quote the received value; for secrets say only that it is invalid.
        const message = SECRET_KEYS.has(variable) ? 'invalid value (not shown: it may contain a secret)' : issue.message;
        return { variable, message };
      }),
    );
  }
  const c = parsed.data;
  const temporalAddress = c.TEMPORAL_ADDRESS ?? `127.0.0.1:${c.TEMPORAL_DEV_SERVER_PORT}`;
  return {
    ...c,
    dataDir: path.resolve(c.DATA_DIR),
    temporalAddress,
    temporalUiUrl: (c.TEMPORAL_UI_URL ?? `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
  };
}

/** Loads `.env` from the working directory into process.env; variables already set win. */
export function loadDotenv(): void {
  dotenv.config({ quiet: true });
}
