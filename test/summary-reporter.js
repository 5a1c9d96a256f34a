/**
 * Prints the closing line CI reads: "N passed, N failed" (and skipped, if any). With TEST_SUMMARY_FILE set (.ci/run
 * sets it), also appends the counts to that file, so that .ci/run can close on one line for all its suites.
 */
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A test file that fails to load runs no test: it counts as one failure, not as nothing.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\ntests: ${line}\n`);
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) fs.appendFileSync(file, `${results.numPassedTests} ${failed} ${skipped}\n`);
  }
}
module.exports = SummaryReporter;
