/**
 * The payload keys of the test suite. Test keys, public on purpose: they encrypt only the test servers' payloads
 * and the recorded histories in test/histories (which the replay test must decrypt, so the first key never changes).
 */
import { parsePayloadKeys, type PayloadKeyRing } from '../../src/temporal/keys';

/** COORD_PAYLOAD_KEYS of every test process and of the recorded histories (key id `test-a`). */
export const TEST_PAYLOAD_KEYS = 'test-a:vltIOAzTK3JjRyhiVDGens6N2ozAbJwvwRVV8r8MqTc=';

/** A second key, for rotation tests: `test-b` current, `test-a` still readable. */
export const TEST_PAYLOAD_KEYS_ROTATED =
  'test-b:7GBNK9cmEKPrxhHGHDFlKwDnthQUb9kKre8FrOPNHtk=,test-a:vltIOAzTK3JjRyhiVDGens6N2ozAbJwvwRVV8r8MqTc=';

/** The parsed test keys. */
export const testPayloadKeys: PayloadKeyRing = parsePayloadKeys(TEST_PAYLOAD_KEYS);
