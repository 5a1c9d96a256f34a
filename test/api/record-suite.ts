/** Documents, action items and the outbox. */
import type { SuiteContext } from './context';

/** Registers the tests of the record routes. */
export function recordSuite(_ctx: SuiteContext): void {}
