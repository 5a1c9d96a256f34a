import type { Command } from 'commander';
import { run } from '../../src/cli/main';
import { buildProgram } from '../../src/cli/program';
import { coord, memoryIo } from './run-coord';

/** Every command path of the tree, e.g. ['cycle', 'start']. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('coord usage', () => {
  test('every command explains itself with --help and exits with 0', async () => {
    const paths = commandPaths(buildProgram({ io: memoryIo(), env: {} }));
    expect(paths).toEqual(
      expect.arrayContaining([
        ['mechanism', 'apply'],
        ['mechanism', 'list'],
        ['portfolio', 'import'],
        ['cycle', 'start'],
        ['cycle', 'status'],
        ['cycle', 'extend'],
        ['cycle', 'waive'],
        ['schedule', 'ensure'],
        ['schedule', 'pause'],
        ['schedule', 'resume'],
        ['schedule', 'trigger'],
        ['outbox', 'list'],
        ['user', 'add'],
        ['token', 'create'],
      ]),
    );
    for (const p of [[], ...paths]) {
      const io = memoryIo();
      const code = await run([...p, '--help'], io, {});
      expect({ command: p.join(' '), code }).toEqual({ command: p.join(' '), code: 0 });
      expect(io.out()).toContain(`Usage: coord${p.length ? ` ${p.join(' ')}` : ''}`);
    }
  });

  test('the main help lists the exit codes a script can rely on', async () => {
    const io = memoryIo();
    await run(['--help'], io, {});
    expect(io.out()).toMatch(
      /Exit codes:[\s\S]*0 {2}done[\s\S]*1 {2}the operation failed[\s\S]*2 {2}bad usage[\s\S]*3 {2}not found/,
    );
  });

  test('a missing argument prints the usage of that command and exits with 2', async () => {
    const r = await coord(['cycle', 'start']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'mechanism'");
    expect(r.stderr).toContain('Usage: coord cycle start');
    expect(r.stdout).toBe('');
  });

  test('an unknown command, a malformed quarter or a bad number exit with 2 and say what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['cycle', 'status', 'cn-ls', '2026-5'], /"2026-5" is not a quarter: write it like 2026-Q1/],
      [['outbox', 'list', '--limit', 'many'], /must be a whole number/],
      [['cycle', 'extend', 'cn-ls', '2026-Q1', 'mpiti-road'], /give exactly one of --until <date> or --days <n>/],
      [['cycle'], /Usage: coord cycle/],
    ];
    for (const [args, message] of cases) {
      const io = memoryIo();
      const code = await run(args, io, {});
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(io.err()).toMatch(message);
    }
  });

  test('with --json a usage error is also one JSON document on stdout', async () => {
    const io = memoryIo();
    expect(await run(['cycle', 'status', 'cn-ls', 'Q1', '--json'], io, {})).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      error: { code: 'usage', message: '"Q1" is not a quarter: write it like 2026-Q1' },
    });
  });

  test('a bad configuration value names the variable and exits with 2', async () => {
    const io = memoryIo();
    expect(await run(['mechanism', 'list'], io, { TEMPORAL_ADDRESS: 'not an address', DATA_DIR: '/nonexistent' })).toBe(
      2,
    );
    expect(io.err()).toContain('TEMPORAL_ADDRESS');
  });
});
