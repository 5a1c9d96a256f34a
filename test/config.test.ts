import { ConfigError, loadConfig } from '../src/config';

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
});
