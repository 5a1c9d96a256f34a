import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';
import { workerHeapFlag } from '../../src/workers/heap';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';
import { appEnvironment } from '../cluster/stack';
import { TEMPORAL_DATABASES } from '../cluster/temporal-cluster';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVER_VERSION } = require('../../scripts/tools') as { SERVER_VERSION: string };

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

  it('registers exactly the search attributes the workflows use, with their types (the one-shot setup job)', () => {
    expect(services['temporal-setup'].entrypoint).toEqual(['/bin/sh', '/setup-namespace.sh']);
    expect(services['temporal-setup'].volumes).toContain('./deploy/temporal/setup-namespace.sh:/setup-namespace.sh:ro');
    const script = fs.readFileSync(path.join(root, 'deploy/temporal/setup-namespace.sh'), 'utf8');
    const declared = [...script.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
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

describe('the compose file and the cluster tests agree', () => {
  const template = fs.readFileSync(path.join(root, 'deploy/temporal/production.yaml'), 'utf8');
  const templateVariables = new Set([...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]));

  it("runs the Temporal version the cluster tests build, on temporalio/server with admin-tools' one-shot jobs", () => {
    for (const name of ['temporal', 'temporal-schema', 'temporal-setup']) {
      const [image, tag] = String(services[name].image).split(':');
      expect([name, tag]).toEqual([name, SERVER_VERSION]);
      expect(image).toBe(name === 'temporal' ? 'temporalio/server' : 'temporalio/admin-tools');
    }
    expect(JSON.stringify(compose)).not.toContain('auto-setup');
    // The server waits for the schema job, the app for the namespace job.
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    for (const name of ['worker', 'web'])
      expect(services[name].depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
  });

  it('configures the server from the template the cluster tests start their nodes from', () => {
    expect(services.temporal.volumes).toContain(
      './deploy/temporal/production.yaml:/etc/temporal/config/production.yaml:ro',
    );
    expect(services.temporal.volumes).toContainEqual(
      expect.stringMatching(/^\.\/deploy\/temporal\/dynamicconfig\.yaml:/),
    );
    expect(String(services.temporal.entrypoint)).toContain('--env production');
    // Every variable compose gives the server is one the template reads.
    for (const key of Object.keys(environmentOf('temporal')))
      expect([key, templateVariables.has(key)]).toEqual([key, true]);
  });

  it("names Temporal's two databases as the cluster tests do, for the schema job and the server alike", () => {
    for (const name of ['temporal', 'temporal-schema']) {
      const env = environmentOf(name);
      expect([name, env.DBNAME, env.VISIBILITY_DBNAME]).toEqual([
        name,
        TEMPORAL_DATABASES.main,
        TEMPORAL_DATABASES.visibility,
      ]);
    }
    const script = fs.readFileSync(path.join(root, 'deploy/temporal/setup-schema.sh'), 'utf8');
    expect(script).toContain(`\${DBNAME:-${TEMPORAL_DATABASES.main}}`);
    expect(script).toContain(`\${VISIBILITY_DBNAME:-${TEMPORAL_DATABASES.visibility}}`);
    // The app's records live in a database of their own on the same server.
    expect(new URL(environmentOf('web').DATABASE_URL).pathname).toBe('/coord');
  });

  it('gives the worker and the web instances every variable the cluster tests run them with', () => {
    const tested = appEnvironment({
      dataDir: '/data',
      databaseUrl: 'postgres://u@h/db',
      temporalAddress: 'h:7233',
      namespace: 'default',
      smtpUrl: 'smtp://h:25',
      publicUrl: 'http://h',
    });
    // What the tests add for their own processes: the shell's PATH and HOME, quieter logs, and what the image sets.
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const testOnly = ['PATH', 'HOME', 'LOG_LEVEL'];
    // The worker signs no session: the tests give it SESSION_SECRET only because both kinds share one environment.
    for (const [name, unused] of [
      ['worker', ['SESSION_SECRET']],
      ['web', []],
    ] as const) {
      const env = environmentOf(name);
      for (const key of Object.keys(tested)) {
        if (testOnly.includes(key) || (unused as readonly string[]).includes(key)) continue;
        const set = key in env || new RegExp(`ENV .*\\b${key}=`).test(dockerfile);
        expect([name, key, set]).toEqual([name, key, true]);
      }
    }
    expect(Object.keys(environmentOf('web'))).toContain('SESSION_SECRET');
  });
});
