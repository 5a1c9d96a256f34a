import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, requirePayloadKeys } from '../src/config';
import { devPayloadKeys } from '../src/temporal/keys';
import { TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_ROTATED } from './helpers/payload-keys';

describe('configuration from environment variables', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(config.temporalAddress).toBe('127.0.0.1:7233');
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.TEMPORAL_UI_PORT).toBe(8233);
    expect(config.MAIL_FROM).toBe('secretariat@example.org');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'http://x' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  });

  it('never prints the value of a secret, even a malformed one', () => {
    const secret = 'mysql://admin:hunter2@db';
    let message = '';
    try {
      loadConfig({ DATABASE_URL: secret, SMTP_URL: 'ftp://u:topsecret@x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/SMTP_URL/);
    expect(message).not.toMatch(/hunter2|topsecret/);
  });

  it('refuses a short session secret without printing it', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'tooshort' })).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ SESSION_SECRET: 'tooshort' })).not.toThrow(/tooshort/);
    expect(loadConfig({ SESSION_SECRET: 'x'.repeat(32) }).SESSION_SECRET).toHaveLength(32);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', SMTP_URL: '', TEMPORAL_ADDRESS: '' }).DATABASE_URL).toBeUndefined();
  });

  describe('payload keys', () => {
    const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coord-config-keys-'));

    it('reads COORD_PAYLOAD_KEYS, the first key being the current one', () => {
      const config = loadConfig({ COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ROTATED, DATA_DIR: tmp() });
      expect(config.payloadKeys?.current.id).toBe('test-b');
      expect(config.payloadKeySource).toBe('COORD_PAYLOAD_KEYS');
    });

    it('reads a key file named by COORD_PAYLOAD_KEYS_FILE', () => {
      const file = path.join(tmp(), 'keys');
      fs.writeFileSync(
        file,
        `# rotated 2026-12-01
${TEST_PAYLOAD_KEYS_ROTATED.replace(',', '\n')}
`,
      );
      expect(loadConfig({ COORD_PAYLOAD_KEYS_FILE: file }).payloadKeys?.byId.size).toBe(2);
      expect(() => loadConfig({ COORD_PAYLOAD_KEYS_FILE: path.join(tmp(), 'missing') })).toThrow(
        /COORD_PAYLOAD_KEYS_FILE: cannot read the key file/,
      );
    });

    it('names the variable of a malformed key list and never prints a key', () => {
      const key = TEST_PAYLOAD_KEYS.split(':')[1];
      const truncated = `current:${key.slice(0, 20)}`;
      let message = '';
      try {
        loadConfig({ COORD_PAYLOAD_KEYS: `${truncated},${TEST_PAYLOAD_KEYS}` });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/COORD_PAYLOAD_KEYS: entry 1 \(key id current\): the key must be 32 bytes/);
      expect(message).not.toContain(key.slice(0, 20));
      expect(message).not.toContain(key);
    });

    it('refuses to start in production without a key', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(
        /COORD_PAYLOAD_KEYS: required in production/,
      );
      expect(
        loadConfig({ NODE_ENV: 'production', COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS }).payloadKeys?.current.id,
      ).toBe('test-a');
    });

    it('outside production uses the development key npm start wrote into DATA_DIR, and says what to do without one', () => {
      const dataDir = tmp();
      const none = loadConfig({ DATA_DIR: dataDir });
      expect(none.payloadKeys).toBeUndefined();
      expect(() => requirePayloadKeys(none)).toThrow(
        /COORD_PAYLOAD_KEYS: no payload key: set COORD_PAYLOAD_KEYS .*npm start/,
      );
      const created = devPayloadKeys(dataDir, { create: true });
      expect(created?.created).toBe(true);
      expect(fs.statSync(created!.file).mode & 0o077).toBe(0);
      const config = loadConfig({ DATA_DIR: dataDir });
      expect(config.payloadKeys?.current.id).toBe(created?.ring.current.id);
      expect(config.payloadKeySource).toContain('development key');
      expect(devPayloadKeys(dataDir, { create: true })?.created).toBe(false);
    });
  });
});
