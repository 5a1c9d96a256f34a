/**
 * `npm run test:cluster`: the product in its production topology (test/cluster/): a Temporal cluster on PostgreSQL,
 * two workers and two web instances from the compiled dist, a real SMTP server, and a 200-project quarter through
 * the API. One file, in band: its cases share one stack and run one after the other.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  // Not verbose: the cases print their own counts, and CI's log closes on the plain summary line.
  verbose: false,
  testTimeout: 20 * 60_000,
};
