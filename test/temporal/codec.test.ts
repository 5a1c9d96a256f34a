/** The payload codec and its keys, without a server: what an encrypted payload is made of and what it refuses. */
import { defaultPayloadConverter } from '@temporalio/common';
import {
  COMPRESS_ABOVE_BYTES,
  decryptPayload,
  EncryptionCodec,
  encryptPayload,
  PayloadDecryptionError,
  payloadKeyId,
} from '../../src/temporal/codec';
import { formatPayloadKey, generatePayloadKey, parsePayloadKeys, PayloadKeyFormatError } from '../../src/temporal/keys';
import { TEST_PAYLOAD_KEYS_ROTATED, testPayloadKeys } from '../helpers/payload-keys';

const submission = {
  statusReason: 'Panels delayed at port',
  achievements: 'Foundations poured for the turbine hall. '.repeat(40),
};

describe('an encrypted payload', () => {
  it('gives back exactly the original value, and no readable text', async () => {
    const codec = new EncryptionCodec(testPayloadKeys);
    const original = defaultPayloadConverter.toPayload(submission);
    const [encrypted] = await codec.encode([original]);
    expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('Panels');
    expect(Buffer.from(encrypted.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(payloadKeyId(encrypted)).toBe('test-a');
    const [decoded] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(submission);
  });

  it('uses a fresh nonce each time: the same value never encrypts to the same bytes', () => {
    const p = defaultPayloadConverter.toPayload('same text');
    const a = Buffer.from(encryptPayload(testPayloadKeys, p).data!);
    const b = Buffer.from(encryptPayload(testPayloadKeys, p).data!);
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
  });

  it('compresses large payloads before encryption and leaves small ones uncompressed', () => {
    const large = encryptPayload(testPayloadKeys, defaultPayloadConverter.toPayload(submission));
    const small = encryptPayload(testPayloadKeys, defaultPayloadConverter.toPayload({ projectId: 'mpiti-road' }));
    expect(Buffer.from(large.metadata!.compression!).toString()).toBe('deflate');
    expect(small.metadata!.compression).toBeUndefined();
    expect(large.data!.length).toBeLessThan(JSON.stringify(submission).length / 4);
    expect(JSON.stringify(submission).length).toBeGreaterThan(COMPRESS_ABOVE_BYTES);
  });

  it('refuses a payload whose bytes or key id were altered', () => {
    const p = encryptPayload(testPayloadKeys, defaultPayloadConverter.toPayload('decision text'));
    const flipped = Buffer.from(p.data!);
    flipped[20] ^= 1;
    expect(() => decryptPayload(testPayloadKeys, { ...p, data: flipped })).toThrow(/failed authentication/);
    const rotated = parsePayloadKeys(TEST_PAYLOAD_KEYS_ROTATED);
    const relabelled = { ...p, metadata: { ...p.metadata, 'encryption-key-id': Buffer.from('test-b') } };
    expect(() => decryptPayload(rotated, relabelled)).toThrow(PayloadDecryptionError);
  });

  it('passes a payload written before encryption through unchanged', () => {
    const plain = defaultPayloadConverter.toPayload({ quarter: '2026-Q1' });
    expect(decryptPayload(testPayloadKeys, plain)).toBe(plain);
  });
});

describe('the payload key list', () => {
  it('makes the first key current and keeps the others for reading', () => {
    const ring = parsePayloadKeys(TEST_PAYLOAD_KEYS_ROTATED);
    expect(ring.current.id).toBe('test-b');
    expect([...ring.byId.keys()]).toEqual(['test-b', 'test-a']);
    const generated = generatePayloadKey(new Date('2026-12-01T00:00:00Z'));
    expect(generated.id).toMatch(/^k20261201-[0-9a-f]{4}$/);
    expect(parsePayloadKeys(`# a key file\n${formatPayloadKey(generated)}\n\n`).current.key.equals(generated.key)).toBe(
      true,
    );
  });

  it('explains a malformed entry without printing any key', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    for (const [text, message] of [
      [`old:${short}`, /entry 1 \(key id old\): the key must be 32 bytes/],
      ['nocolon', /entry 1: expected <key id>:<base64 key>/],
      [
        `a:${formatPayloadKey(generatePayloadKey()).split(':')[1]},a:${formatPayloadKey(generatePayloadKey()).split(':')[1]}`,
        /key id a appears twice/,
      ],
      ['bad id!:AAAA', /key id must be/],
      ['', /no key/],
    ] as const) {
      expect(() => parsePayloadKeys(text)).toThrow(PayloadKeyFormatError);
      expect(() => parsePayloadKeys(text)).toThrow(message);
    }
    try {
      parsePayloadKeys(`old:${short}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});
