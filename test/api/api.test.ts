/**
 * Every route of the HTTP API through `app.inject()`, on the real workflows and activities. All route suites run in
 * this one file so they share `hitRoutes`: the last test fails when the OpenAPI document has a route no test hit.
 */
import { cycleSuite } from './cycle-suite';
import { exportSuite } from './export-suite';
import { openApiSuite } from './openapi-suite';
import { readSuite } from './read-suite';
import { recordSuite } from './record-suite';
import { scheduleSuite } from './schedule-suite';
import { useStackPerTest } from './support';

const ctx = useStackPerTest();
readSuite(ctx);
cycleSuite(ctx);
recordSuite(ctx);
scheduleSuite(ctx);
exportSuite(ctx);
// Last: it checks what the suites above hit.
openApiSuite(ctx);
