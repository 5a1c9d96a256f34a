import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolPaths } = require('../../scripts/tools') as { toolPaths(): { temporalCli: string } };
const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Pids still alive in a process group (empty when everything stopped). */
function aliveInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && Number(l.split(/\s+/)[1]) === pgid);
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  let output = '';
  afterAll(() => {
    if (child?.pid && aliveInGroup(child.pid).length > 0) process.kill(-child.pid, 'SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('brings up Temporal with its UI and search attributes, the worker and a ready web server, with the demo cycle collecting; Ctrl-C leaves nothing running', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-start-'));
    const [web, ui, frontend] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(web),
      PUBLIC_URL: `http://127.0.0.1:${web}`,
      TEMPORAL_UI_PORT: String(ui),
      TEMPORAL_DEV_SERVER_PORT: String(frontend),
    };
    delete env.TEMPORAL_ADDRESS;
    delete env.DATABASE_URL;
    delete env.SMTP_URL;
    // detached: its own process group, so a signal to the group is what Ctrl-C in a terminal does.
    child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 180_000;
    while (!/ready: web/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).toMatch(/\[temporal\]|\[start\]/);
    expect(output).toMatch(/\[worker\] +worker serving task queue/);

    const ready = await fetch(`http://127.0.0.1:${web}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`http://127.0.0.1:${ui}/`)).status).toBe(200);
    // Without COORD_PAYLOAD_KEYS it made a development key, said so, and the UI decodes through the web server.
    expect(output).toMatch(/generated a development payload key \(k\d{8}-[0-9a-f]{4}\)/);
    expect(fs.existsSync(path.join(dataDir, 'payload-keys'))).toBe(true);
    const settings = (await (await fetch(`http://127.0.0.1:${ui}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string };
    };
    expect(settings.Codec?.Endpoint).toBe(`http://127.0.0.1:${web}/codec`);
    const anonymous = await fetch(`http://127.0.0.1:${web}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(anonymous.status).toBe(401);

    const cli = toolPaths().temporalCli;
    const attributes = execFileSync(
      cli,
      ['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${frontend}`],
      { encoding: 'utf8' },
    );
    for (const name of [
      'Mechanism',
      'Quarter',
      'CyclePhase',
      'Project',
      'SubmissionState',
      'DueTime',
      'ActionItemState',
    ]) {
      expect(attributes).toContain(name);
    }
    // The worker made the demo mechanism's schedule at start-up.
    // (schedule list reads the visibility store, which is eventually consistent: poll with a bound.)
    let schedules = '';
    while (!schedules.includes('schedule:cn-ls') && Date.now() < deadline) {
      schedules = execFileSync(cli, ['schedule', 'list', '--address', `127.0.0.1:${frontend}`], { encoding: 'utf8' });
      if (!schedules.includes('schedule:cn-ls')) await new Promise((r) => setTimeout(r, 500));
    }
    expect(schedules).toContain('schedule:cn-ls');
    // The demo mechanism's current cycle is open and findable by phase.
    let cycles = '';
    while (!/cycle:cn-ls:/.test(cycles)) {
      if (Date.now() > deadline) throw new Error(`no collecting demo cycle: ${cycles}`);
      cycles = execFileSync(
        cli,
        ['workflow', 'list', '--address', `127.0.0.1:${frontend}`, '--query', "CyclePhase='collecting'"],
        { encoding: 'utf8' },
      );
      if (!/cycle:cn-ls:/.test(cycles)) await new Promise((r) => setTimeout(r, 500));
    }

    // The demo's requests do not wait for the send hour: an owner's email (with its link) is in the outbox whatever
    // the hour or day the newcomer starts it.
    expect(output).toMatch(/its requests go out at once/);
    const db = new Database(path.join(dataDir, 'coordination.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const requests = () =>
        (db.prepare("select count(*) as n from outbox where kind = 'request'").get() as { n: number }).n;
      while (requests() === 0) {
        if (Date.now() > deadline) throw new Error(`no request email in the demo's outbox:\n${output}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      db.close();
    }

    process.kill(-child.pid!, 'SIGINT');
    await exited;
    // Children may take a moment to be reaped after the parent exits; bounded wait for the group to empty.
    const stopDeadline = Date.now() + 30_000;
    while (aliveInGroup(child.pid!).length > 0 && Date.now() < stopDeadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(aliveInGroup(child.pid!)).toEqual([]);
    expect(output).toMatch(/stopping/);
  }, 240_000);
});
