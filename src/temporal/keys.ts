/**
 * Payload encryption keys (COORD_PAYLOAD_KEYS, or a key file): one current key encrypts new payloads, every key
 * listed decrypts. Format: comma- or newline-separated `<key id>:<base64 of 32 random bytes>` entries, the FIRST
 * one current; in a file, blank lines and `#` comments are ignored. Key ids are written in clear in each payload's
 * metadata (so an old payload names the key it needs); key bytes never appear in a message or a log.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** AES-256: 32-byte keys. */
export const PAYLOAD_KEY_BYTES = 32;

/** The development key file `npm start` writes into DATA_DIR when no key is configured. */
export const DEV_KEY_FILE = 'payload-keys';

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One key: its id (in each payload's metadata) and its bytes. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** A deployment's keys: `current` encrypts; every key in `byId` (the current one included) decrypts. */
export interface PayloadKeyRing {
  current: PayloadKey;
  byId: ReadonlyMap<string, Buffer>;
}

/** A malformed key list; the message says which entry and why, never a key's bytes. */
export class PayloadKeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeyFormatError';
  }
}

/** Parses a key list (see the module comment); the first entry is the current key. */
export function parsePayloadKeys(text: string): PayloadKeyRing {
  const entries = text
    .split(/[,\n]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  if (entries.length === 0)
    throw new PayloadKeyFormatError('no key: expected <key id>:<base64 key>[,<key id>:<base64 key>...]');
  const byId = new Map<string, Buffer>();
  const keys: PayloadKey[] = [];
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const where = `entry ${i + 1}`;
    if (colon < 0) throw new PayloadKeyFormatError(`${where}: expected <key id>:<base64 key>`);
    const id = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id))
      throw new PayloadKeyFormatError(`${where}: the key id must be 1-64 letters, digits, '.', '_' or '-'`);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material))
      throw new PayloadKeyFormatError(`${where} (key id ${id}): the key is not base64`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== PAYLOAD_KEY_BYTES) {
      throw new PayloadKeyFormatError(
        `${where} (key id ${id}): the key must be ${PAYLOAD_KEY_BYTES} bytes (base64 of 32 random bytes), got ${key.length}`,
      );
    }
    if (byId.has(id)) throw new PayloadKeyFormatError(`${where}: key id ${id} appears twice`);
    byId.set(id, key);
    keys.push({ id, key });
  });
  return { current: keys[0], byId };
}

/** A new random key; its id defaults to `k<YYYYMMDD>-<4 hex>` (unique enough to rotate twice a day). */
export function generatePayloadKey(now = new Date(), id?: string): PayloadKey {
  const keyId = id ?? `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(2).toString('hex')}`;
  if (!KEY_ID.test(keyId)) throw new PayloadKeyFormatError(`the key id must be 1-64 letters, digits, '.', '_' or '-'`);
  return { id: keyId, key: randomBytes(PAYLOAD_KEY_BYTES) };
}

/** The entry of a key as COORD_PAYLOAD_KEYS spells it: `<key id>:<base64>`. */
export const formatPayloadKey = (key: PayloadKey): string => `${key.id}:${key.key.toString('base64')}`;

/** The key ids of a ring, current first (safe to print). */
export const keyIds = (ring: PayloadKeyRing): string[] => [
  ring.current.id,
  ...[...ring.byId.keys()].filter((id) => id !== ring.current.id),
];

/**
 * The development key of a data folder: read when present, otherwise created (mode 0600) when `create` is set.
 * Returns undefined when absent and not created.
 */
export function devPayloadKeys(
  dataDir: string,
  options: { create: boolean },
): { ring: PayloadKeyRing; file: string; created: boolean } | undefined {
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (fs.existsSync(file)) return { ring: parsePayloadKeys(fs.readFileSync(file, 'utf8')), file, created: false };
  if (!options.create) return undefined;
  fs.mkdirSync(dataDir, { recursive: true });
  const key = generatePayloadKey();
  fs.writeFileSync(
    file,
    `# Development payload key written by npm start. Never use it in production: set COORD_PAYLOAD_KEYS.\n${formatPayloadKey(key)}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return { ring: parsePayloadKeys(fs.readFileSync(file, 'utf8')), file, created: true };
}
