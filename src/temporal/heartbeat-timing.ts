/**
 * How fast Temporal notices a dead worker (src/activities/heartbeat.ts): every activity proxy of the workflows sets
 * `heartbeatTimeout: HEARTBEAT_TIMEOUT`, and every running activity heartbeats each HEARTBEAT_EVERY_MS. A plain module
 * (no SDK import), because the workflows' bundle loads it.
 */

/** How long Temporal waits for a heartbeat before it retries the activity on another worker. */
export const HEARTBEAT_TIMEOUT = '20 seconds';
/** How often a running activity heartbeats, and how often at most the worker sends one (src/workers/worker.ts). */
export const HEARTBEAT_EVERY_MS = 5_000;
