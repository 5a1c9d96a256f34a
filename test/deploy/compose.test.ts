import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';
import { workerHeapFlag } from '../../src/workers/heap';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';

const root = path.resolve(__dirname, '../..');
const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, any> = compose.services; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Replaces `${NAME:-default}` by its default, as Compose does when NAME is unset; a required `${NAME:?message}`
 * gets a stand-in value of the right shape (the operator must set it).
 */
function interpolate(value: string): string {
  return value
    .replace(
      /\$\{(\w+):\?[^}]*\}/g,
      (_m, name) => STAND_INS[name] ?? `${name.toLowerCase()}-set-by-the-operator-0123456789abcdef`,
    )
    .replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_m, _name, fallback) => fallback ?? '');
}

/** Values of the right shape for required variables whose shape is checked. */
const STAND_INS: Record<string, string> = { COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS };

function environmentOf(service: string): Record<string, string> {
  const env = services[service].environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

function hostOf(url: string): string {
  return new URL(url.replace(/^(\w+):\/\/([^/]*@)?/, 'http://')).hostname;
}

describe('the production docker-compose file', () => {
  it('declares PostgreSQL, Temporal and its Web UI, the worker, the web/API server and an SMTP relay', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'worker', 'web', 'mailpit']) {
      expect(services).toHaveProperty(name);
    }
  });

  it.each(['worker', 'web'])(
    'gives the %s a configuration that the app accepts and that points at services of the file',
    (name) => {
      const env = environmentOf(name);
      const config = loadConfig(env);
      expect(config.DATABASE_URL).toBeDefined();
      expect(Object.keys(services)).toContain(hostOf(config.DATABASE_URL!));
      expect(Object.keys(services)).toContain(config.temporalAddress.split(':')[0]);
      expect(Object.keys(services)).toContain(hostOf(config.SMTP_URL!));
      // Every variable set in the file is one the app knows (a typo would be silently ignored otherwise).
      for (const key of Object.keys(env)) expect(Object.keys(ConfigSchema.shape)).toContain(key);
    },
  );

  it('requires the payload keys and runs in production mode, so no development key is ever used', () => {
    for (const name of ['worker', 'web']) {
      expect(services[name].environment.COORD_PAYLOAD_KEYS).toMatch(/^\$\{COORD_PAYLOAD_KEYS:\?/);
      expect(() => loadConfig({ ...environmentOf(name), COORD_PAYLOAD_KEYS: '' })).toThrow(
        /COORD_PAYLOAD_KEYS: required in production/,
      );
    }
    expect(services['temporal-ui'].environment.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec$/);
  });

  it('lets the web and the worker share one document archive and one database', () => {
    expect(services.web.volumes).toEqual(services.worker.volumes);
    expect(environmentOf('web').DATABASE_URL).toBe(environmentOf('worker').DATABASE_URL);
    expect(environmentOf('web').DATA_DIR).toBe(environmentOf('worker').DATA_DIR);
  });

  it('has every dependency between services point at a declared service', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect([name, Object.keys(services).includes(dep)]).toEqual([name, true]);
    }
  });

  it('registers exactly the search attributes the workflows use, with their types', () => {
    const command = String(services['temporal-search-attributes'].command);
    const declared = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(declared.sort()).toEqual(searchAttributeDefinitions.map((d) => `${d.name}=${d.cliType}`).sort());
  });

  it('caps the worker heap as npm start and the benchmark do', () => {
    expect(services.worker.command).toContain(workerHeapFlag());
  });

  it('runs entry points that the build produces', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm run build/);
    for (const name of ['worker', 'web']) {
      const entry = (services[name].command as string[]).at(-1)!;
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    }
  });
});
