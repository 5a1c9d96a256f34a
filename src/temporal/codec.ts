/**
 * The payload codec: every payload the project's clients and workers send to Temporal (workflow inputs, update
 * arguments and results, activity inputs and results, queries, summaries and current details) is compressed when
 * large and encrypted with AES-256-GCM before it leaves the process, so Temporal's history, its database and its
 * backups hold no readable update, decision, note or name. Search attributes and workflow ids are not payloads
 * and stay readable (they hold ids and states only).
 *
 * An encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <key id>` and, when compressed,
 * `compression: deflate`; data = 12-byte random nonce || ciphertext || 16-byte tag. The plaintext is the original
 * Payload protobuf (metadata and data), so decoding restores it exactly. The key id and the compression flag are
 * authenticated (GCM additional data): changing them makes decryption fail instead of misreading.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyRing } from './keys';

/** The encoding Temporal's tools recognise as "encrypted by a codec". */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata present (value `deflate`) when the plaintext was compressed before encryption. */
export const COMPRESSION_METADATA = 'compression';

/**
 * Payloads larger than this are deflated before encryption. Below it deflate's header and Huffman tables eat the
 * gain (a short JSON argument shrinks by a few bytes at best); submissions and decision lists are well above it.
 */
export const COMPRESS_ABOVE_BYTES = 256;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const enc = (s: string) => Buffer.from(s, 'utf8');

/** A payload that cannot be decrypted; the message names the key id (never key material) and what to do. */
export class PayloadDecryptionError extends Error {
  constructor(
    message: string,
    readonly keyId: string | undefined,
  ) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

function additionalData(keyId: string, compression: string): Buffer {
  return enc(`coord-payload-v1\n${keyId}\n${compression}`);
}

/** Encrypts one payload under the ring's current key. */
export function encryptPayload(ring: PayloadKeyRing, payload: Payload, compressAbove = COMPRESS_ABOVE_BYTES): Payload {
  let plain: Buffer = Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish());
  const compression = plain.length > compressAbove ? 'deflate' : '';
  if (compression) plain = deflateRawSync(plain);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, nonce);
  cipher.setAAD(additionalData(ring.current.id, compression));
  const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: {
      encoding: enc(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: enc(ring.current.id),
      ...(compression && { [COMPRESSION_METADATA]: enc(compression) }),
    },
    data,
  };
}

/** True when a payload was encrypted by this codec. */
export const isEncrypted = (payload: Payload): boolean =>
  Buffer.from(payload.metadata?.encoding ?? []).toString() === ENCRYPTED_ENCODING;

/** The key id of an encrypted payload (undefined for a plaintext one). */
export function payloadKeyId(payload: Payload): string | undefined {
  const raw = payload.metadata?.[KEY_ID_METADATA];
  return isEncrypted(payload) && raw ? Buffer.from(raw).toString('utf8') : undefined;
}

/**
 * Decrypts one payload. A payload that is not encrypted passes through unchanged: histories written before
 * encryption was switched on stay readable (see test/histories/replay.test.ts).
 */
export function decryptPayload(ring: PayloadKeyRing, payload: Payload): Payload {
  if (!isEncrypted(payload)) return payload;
  const keyId = payloadKeyId(payload);
  if (!keyId) throw new PayloadDecryptionError('an encrypted payload has no encryption-key-id', undefined);
  const key = ring.byId.get(keyId);
  if (!key) {
    throw new PayloadDecryptionError(
      `payload encrypted with key id "${keyId}", which is not among the configured payload keys (COORD_PAYLOAD_KEYS): ` +
        `add that key back (not as the current one) to read it`,
      keyId,
    );
  }
  const compression = Buffer.from(payload.metadata?.[COMPRESSION_METADATA] ?? []).toString('utf8');
  const data = Buffer.from(payload.data ?? []);
  if (data.length < NONCE_BYTES + TAG_BYTES)
    throw new PayloadDecryptionError(`payload under key id "${keyId}" is truncated`, keyId);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(additionalData(keyId, compression));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(
      `payload under key id "${keyId}" failed authentication: altered, or that id names a different key`,
      keyId,
    );
  }
  if (compression === 'deflate') plain = inflateRawSync(plain);
  else if (compression)
    throw new PayloadDecryptionError(
      `payload under key id "${keyId}" has an unknown compression "${compression}"`,
      keyId,
    );
  return temporal.api.common.v1.Payload.decode(plain);
}

/** The codec: encrypts with the current key, decrypts with any configured key, passes plaintext payloads through. */
export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly ring: PayloadKeyRing,
    private readonly compressAbove = COMPRESS_ABOVE_BYTES,
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => encryptPayload(this.ring, p, this.compressAbove));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => decryptPayload(this.ring, p));
  }
}

/**
 * The failure converter module (src/temporal/failure-converter.ts: failures' messages and stack traces as encrypted
 * payloads). Workers that bundle the workflows themselves pick it up from `projectDataConverter`; a workflow bundle
 * built beforehand (`bundleWorkflowCode`) must be given it as `failureConverterPath`.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * THE data converter of every Temporal client, worker, test environment and replayer this project creates
 * (src/temporal/connection.ts, src/workers/worker.ts, test/helpers/temporal.ts, bench/): payloads encrypted, and
 * failures' messages and stack traces with them (FAILURE_CONVERTER_PATH). `null` means plaintext
 * and exists only for the benchmark's with/without comparison; test/temporal/codec-everywhere.test.ts fails when
 * a client or worker is created without going through here.
 */
export function projectDataConverter(
  keys: PayloadKeyRing | null,
  options: { compressAbove?: number } = {},
): DataConverter {
  return keys
    ? {
        payloadCodecs: [new EncryptionCodec(keys, options.compressAbove)],
        failureConverterPath: FAILURE_CONVERTER_PATH,
      }
    : {};
}
