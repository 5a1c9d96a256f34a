import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { requirePayloadKeys, type Config } from '../config';
import { projectDataConverter } from './codec';

/** Connection options for the client and the worker, from the configuration (mTLS or API key for Temporal Cloud). */
export function connectionOptions(config: Config): ConnectionOptions {
  const options: ConnectionOptions = { address: config.temporalAddress };
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    options.tls = {
      clientCertPair: {
        crt: fs.readFileSync(config.TEMPORAL_TLS_CERT_PATH),
        key: fs.readFileSync(config.TEMPORAL_TLS_KEY_PATH),
      },
    };
  } else if (config.TEMPORAL_API_KEY) {
    options.tls = true;
    options.apiKey = config.TEMPORAL_API_KEY;
  }
  return options;
}

/**
 * A Temporal client for the API, the CLI, the worker's schedules and the seed: it encrypts every payload with the
 * configured keys (a ConfigError naming COORD_PAYLOAD_KEYS when there is none, before any connection is made).
 */
export async function connectClient(config: Config, options: { readerWithFallback?: boolean } = {}): Promise<Client> {
  const dataConverter = projectDataConverter(requirePayloadKeys(config));
  // A reader that shows the records when Temporal does not answer (`coord cycle status`): lazy, so no call is made
  // before the first read (Connection.connect would wait up to 10 s for an unreachable server), and without the
  // SDK's retry interceptor: the read is bounded by its caller anyway, and a retry still pending when the process
  // closes the connection throws "Channel has been shut down" from a timer, crashing the process.
  const connection = options.readerWithFallback
    ? Connection.lazy({ ...connectionOptions(config), interceptors: [] })
    : await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

/** The same connection settings for the worker's native (Rust core) connection. */
export function nativeConnectionOptions(config: Config): NativeConnectionOptions {
  const { address, tls, apiKey } = connectionOptions(config);
  return { address, ...(tls !== undefined && { tls }), ...(typeof apiKey === 'string' && { apiKey }) };
}
