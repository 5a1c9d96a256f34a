/**
 * The SDK gives every workflow its own instance of each module the workflow bundle imports, so whatever those
 * modules build at load time is built again for every project update a cycle starts. zod schemas were the largest
 * such cost (docs/benchmarks.md): workflows load them on first use only (src/workflows/schemas.ts). This test loads
 * the workflows with zod made unloadable and fails if any module they import builds schemas at load time.
 */
describe('loading the workflows', () => {
  afterEach(() => jest.resetModules());

  it('builds no zod schema: the validators load them on first use', () => {
    jest.resetModules();
    jest.doMock('zod', () => {
      throw new Error('zod was loaded while the workflows loaded');
    });
    let workflows: Record<string, unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside isolateModules
      workflows = require('../../src/workflows') as Record<string, unknown>;
    });
    expect(Object.keys(workflows)).toEqual(
      expect.arrayContaining(['quarterlyCycle', 'projectUpdate', 'actionItem', 'openCycle']),
    );
    const { schemas } = jest.requireActual<typeof import('../../src/workflows/schemas')>('../../src/workflows/schemas');
    expect(() => schemas()).toThrow('zod was loaded');
  });
});
