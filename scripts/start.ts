/**
 * `npm start`: one terminal runs the whole stack — a Temporal dev server (unless TEMPORAL_ADDRESS
 * points at one), the worker and the web/API server — with each process's log lines prefixed.
 * Ctrl-C (or SIGTERM) stops every child; nothing is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { ConfigError, loadConfig, loadDotenv, type Config } from '../src/config';
import { devPayloadKeys } from '../src/temporal/keys';
import { searchAttributeDefinitions } from '../src/temporal/search-attributes';
import { workerHeapFlag } from '../src/workers/heap';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('./tools') as { toolPaths(): { temporalCli: string; testServer: string } };

const root = path.resolve(__dirname, '..');
const children: { name: string; child: ChildProcess }[] = [];
/** Listeners on every output line of the children, to wait for "I am ready" lines. */
const lineListeners: ((name: string, line: string) => void)[] = [];
let stopping = false;

const COLORS: Record<string, string> = { temporal: '35', worker: '36', web: '32', start: '33' };

function log(name: string, line: string): void {
  const color = process.stdout.isTTY ? COLORS[name] : undefined;
  const prefix = `[${name}]`.padEnd(11);
  process.stdout.write(`${color ? `\x1b[${color}m${prefix}\x1b[0m` : prefix}${line}\n`);
}

/** Starts a child process whose output lines are prefixed with its name. */
function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => {
      log(name, line);
      for (const listener of lineListeners) listener(name, line);
    });
  }
  child.on('exit', (code, signal) => {
    log('start', `${name} exited (${signal ?? `code ${code}`})`);
    if (!stopping) void shutdown(1);
  });
  children.push({ name, child });
  return child;
}

/** Resolves when host:port accepts TCP connections; rejects after the deadline. */
async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resolves when the named child prints a line matching `pattern`; rejects after the deadline. */
function waitForLine(name: string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not report ready within ${timeoutMs} ms`)), timeoutMs);
    lineListeners.push((from, line) => {
      if (from === name && pattern.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('start', 'stopping…');
  // Stop in reverse order: web and worker first (they drain), the Temporal server last.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await waitForExit(child, 15_000);
    }
  }
  process.exit(code);
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function tsNode(entry: string, nodeFlags: string[] = []): [string, string[]] {
  return [process.execPath, [...nodeFlags, '-r', 'ts-node/register/transpile-only', path.join(root, entry)]];
}

/** The codec server's address as the browser reaches it. */
const codecEndpoint = (config: Config) => `${config.PUBLIC_URL}/codec`;

async function main(): Promise<void> {
  loadDotenv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!config.payloadKeys) {
    // Development only (loadConfig refuses production without keys): the children read this file from DATA_DIR.
    const dev = devPayloadKeys(config.dataDir, { create: true })!;
    log(
      'start',
      `no COORD_PAYLOAD_KEYS: generated a development payload key (${dev.ring.current.id}) in ${dev.file}; set COORD_PAYLOAD_KEYS in production`,
    );
  } else {
    log('start', `payloads encrypted with key ${config.payloadKeys.current.id} (${config.payloadKeySource})`);
  }

  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: config.temporalAddress };
  if (!config.TEMPORAL_ADDRESS) {
    const [host, port] = config.temporalAddress.split(':');
    const cli = tools.toolPaths().temporalCli;
    log(
      'start',
      `starting a Temporal dev server on ${config.temporalAddress} (Web UI on ${config.temporalUiUrl}, codec server ${codecEndpoint(config)})`,
    );
    run('temporal', cli, [
      'server',
      'start-dev',
      '--ip',
      host,
      '--port',
      port,
      '--ui-port',
      String(config.TEMPORAL_UI_PORT),
      // Temporal UI asks the web server's codec server to decode payloads (src/api/codec-server.ts).
      '--ui-codec-endpoint',
      codecEndpoint(config),
      '--db-filename',
      path.join(config.dataDir, 'temporal.sqlite'),
      '--namespace',
      config.TEMPORAL_NAMESPACE,
      '--log-level',
      'warn',
      ...searchAttributeDefinitions.flatMap((d) => ['--search-attribute', `${d.name}=${d.cliType}`]),
    ]);
    await waitForPort(host, Number(port), 60_000);
    await waitForPort('127.0.0.1', config.TEMPORAL_UI_PORT, 60_000);
  } else {
    log('start', `using the Temporal server at ${config.temporalAddress}`);
  }

  const [node, seedArgs] = tsNode('scripts/seed.ts');
  await new Promise<void>((resolve, reject) => {
    const seed = spawn(node, seedArgs, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [seed.stdout, seed.stderr])
      readline.createInterface({ input: stream! }).on('line', (l) => log('start', l));
    seed.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seeding the database failed (code ${code})`)),
    );
  });

  // The worker bundles the workflow code first (several seconds): ready means it serves its task queue.
  const workerReady = waitForLine('worker', /^worker serving task queue/, 180_000);
  run('worker', ...tsNode('src/workers/main.ts', [workerHeapFlag()]), env);
  run('web', ...tsNode('src/api/main.ts'), env);
  await waitForPort(config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST, config.PORT, 60_000);
  await workerReady;
  log('start', `ready: web ${config.PUBLIC_URL}  ·  Temporal UI ${config.temporalUiUrl}  ·  Ctrl-C stops everything`);
}

main().catch((err: Error) => {
  log('start', `failed: ${err.message}`);
  void shutdown(1);
});
