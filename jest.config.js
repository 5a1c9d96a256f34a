/** Jest runs every test in test/: unit tests and tests against real servers started by the tests themselves. */
/** Packages Jest must compile to CommonJS (see `transform`). */
// string-width (coord's tables: CJK characters are two columns) and its dependencies ship ESM only too.
const ESM_PACKAGES = [
  'cookie',
  'content-disposition',
  '@fastify/cookie',
  'string-width',
  'strip-ansi',
  'ansi-regex',
  'get-east-asian-width',
].join('|');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // The production-topology suite (Temporal cluster, compiled app) runs on its own: `npm run test:cluster`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }],
    // A few of Fastify's dependencies ship ESM only (Node 20 can require() them, Jest's loader cannot), and
    // @fastify/cookie loads `cookie` with a dynamic import() (which Jest's CommonJS sandbox refuses): compile
    // them to CommonJS for the tests, which turns that import() into a require().
    [`^.+/node_modules/(${ESM_PACKAGES})/.+\\.js$`]: [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES})/)`],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  // Servers (Temporal, SMTP, PostgreSQL) make some tests slow to set up; 2 workers suit a 2-core machine.
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
