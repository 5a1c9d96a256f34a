import path from 'node:path';
import dotenv from 'dotenv';
import fs from 'node:fs';
import { z } from 'zod';
import { TASK_QUEUE } from './temporal/cycle-start';
import { devPayloadKeys, parsePayloadKeys, PayloadKeyFormatError, type PayloadKeyRing } from './temporal/keys';

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
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3000')
    .transform((u) => u.replace(/\/+$/, '')),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
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
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
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
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  MAIL_FROM: z.string().min(3).default('secretariat@example.org'),
  /** Signs the secretariat's session cookies; unset means a random one per process (logins end on restart). */
  SESSION_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /**
   * Derives the owner links' tokens (the outbox stores no working link); the worker and every web instance need the
   * same one. Unset means a random one kept in DATA_DIR/link-secret.
   */
  LINK_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** Reverse proxies in front of the web server: a number of hops, or addresses/CIDRs, comma-separated (Fastify's trustProxy). */
  TRUST_PROXY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(
        /^(\d{1,2}|[0-9a-fA-F:./]+(\s*,\s*[0-9a-fA-F:./]+)*)$/,
        'must be a number of hops (e.g. 1) or addresses/CIDRs separated by commas (e.g. 10.0.0.0/8,127.0.0.1)',
      )
      .optional(),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `production` requires configured payload keys (no development key). */
  NODE_ENV: optionalString,
  /**
   * Payload encryption keys: `<key id>:<base64 of 32 bytes>` entries separated by commas, the first one current
   * (encrypts), the others only decrypt older payloads. See src/temporal/keys.ts.
   */
  COORD_PAYLOAD_KEYS: optionalString,
  /** Alternative to COORD_PAYLOAD_KEYS: a file with the same entries, one a line (a mounted secret). */
  COORD_PAYLOAD_KEYS_FILE: optionalString,
});

export type Config = z.infer<typeof ConfigSchema> & {
  /** Absolute data folder. */
  dataDir: string;
  /** The Temporal frontend to use (TEMPORAL_ADDRESS or the dev server's default). */
  temporalAddress: string;
  temporalUiUrl: string;
  /** The payload keys, or undefined outside production when none is configured and DATA_DIR has no development key. */
  payloadKeys: PayloadKeyRing | undefined;
  /** Where the keys came from, for start-up logs (never the keys). */
  payloadKeySource: string;
};

/** Variables whose values are secrets: never printed, not even in an error. */
const SECRET_KEYS = new Set([
  'DATABASE_URL',
  'SMTP_URL',
  'TEMPORAL_API_KEY',
  'SESSION_SECRET',
  'COORD_PAYLOAD_KEYS',
  'LINK_SECRET',
]);

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
        const message = SECRET_KEYS.has(variable)
          ? 'invalid value (not shown: it may contain a secret)'
          : issue.message;
        return { variable, message };
      }),
    );
  }
  const c = parsed.data;
  const temporalAddress = c.TEMPORAL_ADDRESS ?? `127.0.0.1:${c.TEMPORAL_DEV_SERVER_PORT}`;
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    dataDir,
    temporalAddress,
    temporalUiUrl: (c.TEMPORAL_UI_URL ?? `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    ...loadPayloadKeys(c, dataDir),
  };
}

/**
 * The payload keys: COORD_PAYLOAD_KEYS, else the file COORD_PAYLOAD_KEYS_FILE, else (not in production) the
 * development key `npm start` wrote into DATA_DIR. A malformed list names the variable and the entry, never a key.
 */
function loadPayloadKeys(
  c: z.infer<typeof ConfigSchema>,
  dataDir: string,
): { payloadKeys: PayloadKeyRing | undefined; payloadKeySource: string } {
  const fail = (variable: string, message: string): never => {
    throw new ConfigError([{ variable, message }]);
  };
  const parse = (variable: string, text: string): PayloadKeyRing => {
    try {
      return parsePayloadKeys(text);
    } catch (err) {
      if (err instanceof PayloadKeyFormatError) return fail(variable, err.message);
      throw err;
    }
  };
  if (c.COORD_PAYLOAD_KEYS)
    return { payloadKeys: parse('COORD_PAYLOAD_KEYS', c.COORD_PAYLOAD_KEYS), payloadKeySource: 'COORD_PAYLOAD_KEYS' };
  if (c.COORD_PAYLOAD_KEYS_FILE) {
    let text = '';
    try {
      text = fs.readFileSync(c.COORD_PAYLOAD_KEYS_FILE, 'utf8');
    } catch (err) {
      fail('COORD_PAYLOAD_KEYS_FILE', `cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return {
      payloadKeys: parse('COORD_PAYLOAD_KEYS_FILE', text),
      payloadKeySource: `COORD_PAYLOAD_KEYS_FILE (${c.COORD_PAYLOAD_KEYS_FILE})`,
    };
  }
  if (c.NODE_ENV === 'production') {
    fail(
      'COORD_PAYLOAD_KEYS',
      'required in production (NODE_ENV=production): payloads are encrypted with it; generate one with `coord key generate`',
    );
  }
  let dev: ReturnType<typeof devPayloadKeys>;
  try {
    dev = devPayloadKeys(dataDir, { create: false });
  } catch (err) {
    if (err instanceof PayloadKeyFormatError)
      return fail('COORD_PAYLOAD_KEYS', `the development key file in DATA_DIR is malformed: ${err.message}`);
    throw err;
  }
  return dev
    ? { payloadKeys: dev.ring, payloadKeySource: `development key ${dev.file}` }
    : { payloadKeys: undefined, payloadKeySource: 'none' };
}

/** The payload keys, or a ConfigError naming COORD_PAYLOAD_KEYS: nothing talks to Temporal without them. */
export function requirePayloadKeys(config: Config): PayloadKeyRing {
  if (config.payloadKeys) return config.payloadKeys;
  throw new ConfigError([
    {
      variable: 'COORD_PAYLOAD_KEYS',
      message: `no payload key: set COORD_PAYLOAD_KEYS (or COORD_PAYLOAD_KEYS_FILE), or run \`npm start\` once to create a development key in ${config.dataDir}`,
    },
  ]);
}

/** Loads `.env` from the working directory into process.env; variables already set win. */
export function loadDotenv(): void {
  dotenv.config({ quiet: true });
}
