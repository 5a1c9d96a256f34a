/**
 * The API contract under generated requests (issue 16, point 6): every operation of `/openapi.json` is driven with
 * requests generated from its own schema (fast-check), on the real server (Fastify listening on a socket of
 * 127.0.0.1, the real store, the real workflows on a Temporal dev server). For every answer: no
 * 5xx, the status is one the operation documents, a JSON success matches the schema documented for it, and an
 * error has the project's error JSON. A request valid by the
 * document is never refused for its shape (400); a request without a token gets 401 whatever else is wrong with it;
 * a request broken in one place (a path parameter, a field, the JSON itself, the media type) is refused with the error
 * JSON.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { quarterOf } from '../../src/domain';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal';
import { startStack, type Stack } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON Schema / OpenAPI fragment
type Json = any;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let stack: Stack;
let base: string;
let doc: Json;
const quarter = quarterOf(new Date(), 'Africa/Maseru');

beforeAll(async () => {
  // A real Temporal dev server (the time-skipping test server has no schedules).
  [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
  stack = await startStack(env, bundle);
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  doc = await (await fetch(`${base}/openapi.json`)).json();
  // A cycle that is running, so that commands on it meet a real workflow rather than only 404s.
  const opened = await send('POST', `/api/v1/mechanisms/cn-ls/cycles`, { body: JSON.stringify({ quarter }) });
  expect([200, 201]).toContain(opened.status);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

interface Answer {
  status: number;
  body: string;
  contentType?: string;
}
async function send(
  method: string,
  path: string,
  options: { body?: string; contentType?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const token = options.token === undefined ? stack.token : options.token;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(options.body !== undefined && { 'content-type': options.contentType ?? 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: options.body }),
  });
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? undefined };
}

/** The ids that exist, so that generated paths often name real records (and not only 404s). */
const KNOWN: Record<string, string[]> = {
  mechanismId: ['cn-ls'],
  quarter: [quarter],
  projectId: ['mpiti-road', 'ramarothole-solar'],
};

/** Values valid by a JSON schema (the subset the document uses). */
function valid(schema: Json, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0) return fc.constant('x');
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if ((schema.anyOf || schema.oneOf) && schema.type === 'object') {
    // An object with alternatives (e.g. "on track, or a reason"): one alternative merged into the object's own schema.
    const { anyOf, oneOf, ...own } = schema;
    return fc.oneof(
      ...(anyOf ?? oneOf).map((branch: Json) => {
        const properties = { ...own.properties };
        for (const [k, s] of Object.entries(branch.properties ?? {}))
          properties[k] = { ...properties[k], ...(s as Json) };
        const required = [...new Set([...(own.required ?? []), ...(branch.required ?? [])])];
        return valid({ ...own, properties, required }, depth);
      }),
    );
  }
  if (schema.anyOf || schema.oneOf)
    return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((s: Json) => valid(s, depth)));
  if (schema.allOf) return valid(Object.assign({}, ...schema.allOf), depth);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 40, 40);
      const text = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : fc.string({ minLength: min, maxLength: Math.max(min, max), unit: 'grapheme' });
      return text.filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, depth > 1 ? 1 : 3),
      });
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) props[k] = valid(s, depth + 1);
      return fc.record(props, { requiredKeys: schema.required ?? [] });
    }
    default:
      return fc.constant(null);
  }
}

/** A value of the wrong kind for a schema: refused by any server that enforces it. */
function wrongKind(schema: Json, inUrl = false): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'string') {
    if (!schema.pattern && !schema.enum) return fc.oneof(fc.integer(), fc.boolean());
    const fits = (v: string) =>
      (!schema.pattern || new RegExp(schema.pattern, 'u').test(v)) && (!schema.enum || schema.enum.includes(v));
    const misfits = ['Not Valid!', '\u0000x', 'x'.repeat(150), '', ' '].filter((v) => !fits(v));
    // In a URL every value is text: a number could fit the pattern.
    if (inUrl) return fc.constantFrom(...misfits);
    return fc.oneof(fc.integer(), fc.boolean(), ...(misfits.length ? [fc.constantFrom(...misfits)] : []));
  }
  if (type === 'integer' || type === 'number') return fc.oneof(fc.constant('twelve'), fc.boolean());
  if (type === 'boolean') return fc.oneof(fc.constant('yes'), fc.integer());
  if (type === 'array') return fc.oneof(fc.constant('a list'), fc.constant({}));
  return fc.oneof(fc.constant('a thing'), fc.integer());
}

interface Operation {
  method: string;
  path: string;
  op: Json;
  params: Json[];
  body?: Json;
}
function operations(): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, Json>).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        op,
        params: (op.parameters ?? []) as Json[],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
    );
}

/** A request valid by the document: path parameters (often real ids), query, headers and body. */
function validRequest(o: Operation) {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of o.params) {
    const own = valid(p.schema);
    parts[`${p.in}:${p.name}`] =
      p.in === 'path' && KNOWN[p.name]
        ? fc.oneof({ arbitrary: fc.constantFrom(...KNOWN[p.name]), weight: 4 }, own)
        : own;
  }
  const required = o.params.filter((p) => p.required || p.in === 'path').map((p) => `${p.in}:${p.name}`);
  return fc.record(
    { parts: fc.record(parts, { requiredKeys: required }), body: o.body ? valid(o.body) : fc.constant(undefined) },
    { requiredKeys: ['parts', 'body'] },
  );
}

function build(o: Operation, parts: Record<string, unknown>) {
  let path = o.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts)) {
    const [where, name] = key.split(':');
    if (where === 'path') path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
    else if (where === 'query') query.set(name, String(value));
    else if (where === 'header') headers[name] = String(value);
  }
  return { url: `${path}${query.size ? `?${query}` : ''}`, headers };
}

const documented = (o: Operation) => Object.keys(o.op.responses ?? {}).map(Number);

// The document is OpenAPI 3.0: its schemas carry keywords JSON Schema does not know (nullable, example).
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
/** Where a JSON answer differs from the schema its operation documents for that status ([] when it matches). */
function schemaErrors(o: Operation, answer: Answer): string[] {
  const schema = o.op.responses?.[answer.status]?.content?.['application/json']?.schema;
  // A download (a document, a CSV or XLSX export) answers with its own media type: it has no JSON to check.
  if (!schema || !answer.contentType?.startsWith('application/json')) return [];
  const validate = ajv.compile(schema);
  return validate(JSON.parse(answer.body)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The checks every answer must pass. */
function expectContract(o: Operation, answer: Answer, what: string) {
  const where = `${o.method} ${o.path} (${what}) answered ${answer.status}: ${answer.body.slice(0, 300)}`;
  expect({ where, serverError: answer.status >= 500 }).toEqual({ where, serverError: false });
  expect({ where, documented: documented(o).includes(answer.status) }).toEqual({ where, documented: true });
  if (answer.status < 300)
    expect({ where, schemaErrors: schemaErrors(o, answer) }).toEqual({ where, schemaErrors: [] });
  if (answer.status >= 400) {
    let body: Json;
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = answer.body;
    }
    expect({ where, body }).toEqual({
      where,
      body: { error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) },
    });
  }
}

const RUNS = 6;

describe('errors that Fastify and Node raise by themselves', () => {
  test("answer with the project's error JSON too", async () => {
    const cases: [string, () => Promise<Answer>, number][] = [
      ['an unknown path', () => send('GET', '/api/v1/no-such-thing'), 404],
      ['a path parameter over 100 characters', () => send('GET', `/api/v1/mechanisms/${'a'.repeat(150)}`), 414],
      ['a URL that does not decode', () => send('GET', '/api/v1/mechanisms/%E0%A4%A'), 400],
      ['malformed JSON', () => send('POST', '/api/v1/mechanisms/cn-ls/cycles', { body: '{"quarter":' }), 400],
      [
        'another media type',
        () => send('POST', '/api/v1/mechanisms/cn-ls/cycles', { body: '<q/>', contentType: 'application/xml' }),
        415,
      ],
      [
        'a body over 1 MiB',
        () =>
          send('POST', '/api/v1/mechanisms/cn-ls/cycles', { body: JSON.stringify({ quarter: 'x'.repeat(1_100_000) }) }),
        413,
      ],
      [
        'a request Node cannot parse',
        () => rawRequest('GET /api/v1/mechanisms HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
        400,
      ],
      [
        'headers over the size limit',
        () => rawRequest(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
        431,
      ],
    ];
    for (const [what, go, status] of cases) {
      const answer = await go();
      let body: Json = answer.body;
      try {
        body = JSON.parse(answer.body);
      } catch {
        // left as text: the expectation below shows it
      }
      expect({ what, status: answer.status, body }).toEqual({
        what,
        status,
        body: { error: { code: expect.any(String), message: expect.any(String) } },
      });
    }
  });
});

/** Sends bytes as they are on a new connection and reads the answer's status and body. */
async function rawRequest(bytes: string): Promise<Answer> {
  const { port } = stack.app.server.address() as AddressInfo;
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: rest.join('\r\n\r\n') };
}

/** A record of every kind the read routes answer, written as the activities would write them. */
async function recordOneOfEach(): Promise<{ actionItemId: string; documentId: string }> {
  const { store } = stack;
  const mechanism = (await store.mechanisms.get('cn-ls'))!;
  const key = (step: string) => ({ workflowId: 'contract-test', step });
  await store.submissions.recordSubmission({
    mechanismId: 'cn-ls',
    quarter,
    projectId: 'mpiti-road',
    body: {
      status: 'at-risk',
      statusReason: 'Rains delayed the earthworks',
      progressPercent: 40,
      achievements: 'Bridge piers cast',
      milestoneUpdates: [{ milestoneId: 'earthworks', actualDate: '2026-03-02', note: 'late' }],
      indicatorUpdates: [{ indicatorId: 'km-paved', current: 12.5 }],
    },
    submittedBy: 'owner:mpiti-road',
    ...key('submission'),
    late: true,
  });
  const actionItemId = 'contract-follow-up';
  await store.decisions.record(
    'cn-ls',
    quarter,
    [
      {
        id: 'contract-decision',
        text: 'Speed up the works',
        projects: ['mpiti-road'],
        actionItems: [
          {
            id: actionItemId,
            title: 'Report on the earthworks',
            owner: mechanism.contacts[0].id,
            side: mechanism.sides[0].id,
            dueDate: '2027-01-15',
            projects: ['mpiti-road'],
          },
        ],
      },
    ],
    key('decisions'),
  );
  const bytes = Buffer.from('<p>report</p>');
  const file = path.join('archive', 'contract-report-v1.html');
  fs.mkdirSync(path.join(stack.store.dataDir, 'archive'), { recursive: true });
  fs.writeFileSync(path.join(stack.store.dataDir, file), bytes);
  const document = await store.documents.record({
    mechanismId: 'cn-ls',
    quarter,
    kind: 'report',
    version: 1,
    format: 'html',
    path: file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  });
  await store.outbox.enqueue({
    id: 'contract-message',
    ...key('request'),
    recipientId: mechanism.contacts[0].id,
    mechanismId: 'cn-ls',
    quarter,
    projectId: 'mpiti-road',
    kind: 'request',
    toName: 'Owner',
    toAddress: 'owner@example.org',
    language: 'en',
    subject: 'Your quarterly update',
    text: 'Please answer',
    html: '<p>Please answer</p>',
    attachments: [],
    messageId: '<contract-message@example.org>',
  });
  return { actionItemId, documentId: document.id };
}

describe('the read routes', () => {
  test('answer records of every kind exactly as the document describes them', async () => {
    const { actionItemId, documentId } = await recordOneOfEach();
    const cycle = `/api/v1/mechanisms/cn-ls/cycles/${quarter}`;
    const reads: [string, string][] = [
      ['/api/v1/mechanisms', '/api/v1/mechanisms'],
      ['/api/v1/mechanisms/{mechanismId}', '/api/v1/mechanisms/cn-ls'],
      ['/api/v1/mechanisms/{mechanismId}/projects', '/api/v1/mechanisms/cn-ls/projects'],
      ['/api/v1/mechanisms/{mechanismId}/projects/{projectId}', '/api/v1/mechanisms/cn-ls/projects/mpiti-road'],
      ['/api/v1/mechanisms/{mechanismId}/cycles', '/api/v1/mechanisms/cn-ls/cycles'],
      ['/api/v1/mechanisms/{mechanismId}/cycles/{quarter}', cycle],
      [
        '/api/v1/mechanisms/{mechanismId}/cycles/{quarter}/projects/{projectId}/submission',
        `${cycle}/projects/mpiti-road/submission`,
      ],
      ['/api/v1/mechanisms/{mechanismId}/cycles/{quarter}/decisions', `${cycle}/decisions`],
      ['/api/v1/mechanisms/{mechanismId}/cycles/{quarter}/documents', `${cycle}/documents`],
      ['/api/v1/mechanisms/{mechanismId}/action-items', `/api/v1/mechanisms/cn-ls/action-items?quarter=${quarter}`],
      [
        '/api/v1/mechanisms/{mechanismId}/action-items/{actionItemId}',
        `/api/v1/mechanisms/cn-ls/action-items/${actionItemId}`,
      ],
      ['/api/v1/outbox', '/api/v1/outbox'],
      ['/api/v1/documents/{documentId}/content', `/api/v1/documents/${documentId}/content`],
    ];
    for (const [documentedPath, url] of reads) {
      const o = operations().find((x) => x.method === 'GET' && x.path === documentedPath)!;
      const answer = await send('GET', url);
      expect({ url, status: answer.status }).toEqual({ url, status: 200 });
      expectContract(o, answer, 'a record of every kind');
    }
    // The seeded records are in the answers (an empty list would match any schema of items).
    const read = async (url: string) => JSON.parse((await send('GET', url)).body);
    expect((await read(`${cycle}/decisions`)).decisions).toHaveLength(1);
    expect((await read(`${cycle}/documents`)).documents).toHaveLength(1);
    expect((await read(`/api/v1/mechanisms/cn-ls/action-items?quarter=${quarter}`)).actionItems).toHaveLength(1);
    expect((await read('/api/v1/outbox')).messages).toContainEqual(expect.objectContaining({ id: 'contract-message' }));
    // Every field of each record is in its answer with its value: the answer schemas strip what they do not name, so
    // a field left out of a schema would vanish from the API without any schema check noticing.
    const { store } = stack;
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Json;
    expect((await read(`${cycle}/decisions`)).decisions).toEqual(
      asJson(await store.decisions.listForCycle('cn-ls', quarter)).map((d: Json) => expect.objectContaining(d)),
    );
    expect((await read(`${cycle}/documents`)).documents).toEqual(
      asJson(await store.documents.list('cn-ls', quarter)).map((d: Json) => expect.objectContaining(d)),
    );
    expect((await read(`/api/v1/mechanisms/cn-ls/action-items?quarter=${quarter}`)).actionItems).toEqual(
      asJson(await store.actionItems.listForCycle('cn-ls', quarter)).map((a: Json) => expect.objectContaining(a)),
    );
    expect(await read(`/api/v1/mechanisms/cn-ls/action-items/${actionItemId}`)).toEqual(
      expect.objectContaining(asJson(await store.actionItems.get('cn-ls', actionItemId))),
    );
    expect(await read(`${cycle}/projects/mpiti-road/submission`)).toEqual(
      expect.objectContaining(asJson(await store.submissions.latest('cn-ls', quarter, 'mpiti-road'))),
    );
  });
});

describe('every operation of the OpenAPI document, driven by generated requests', () => {
  test('the document has the operations this test drives', () => {
    expect(operations().length).toBeGreaterThan(25);
  });

  test('requests valid by the document are never refused for their shape, and every answer is documented', async () => {
    for (const o of operations()) {
      await fc.assert(
        fc.asyncProperty(validRequest(o), async ({ parts, body }) => {
          const { url, headers } = build(o, parts);
          const answer = await send(o.method, url, {
            headers,
            ...(body !== undefined && { body: JSON.stringify(body) }),
          });
          expectContract(o, answer, `valid: ${url} ${JSON.stringify(body)?.slice(0, 200)}`);
          const code = answer.status >= 400 ? JSON.parse(answer.body).error.code : undefined;
          expect({ url, body, status: answer.status, code }).not.toMatchObject({ status: 400 });
        }),
        { numRuns: RUNS },
      );
    }
  }, 300_000);

  test('a request without a token gets 401 and nothing else, however wrong the rest of it is', async () => {
    for (const o of operations()) {
      await fc.assert(
        fc.asyncProperty(
          validRequest(o),
          fc.oneof(fc.constant(undefined), fc.constant('{not json'), fc.json()),
          async ({ parts }, junk) => {
            const { url } = build(o, parts);
            const withBody = junk !== undefined && o.method !== 'GET';
            const answer = await send(o.method, url, { token: null, ...(withBody && { body: junk }) });
            expectContract(o, answer, `no token: ${url}`);
            expect({ url, status: answer.status }).toEqual({ url, status: 401 });
          },
        ),
        { numRuns: 2 },
      );
    }
  }, 300_000);

  test('a request broken in one place is refused with the error JSON and a documented status', async () => {
    for (const o of operations()) {
      const breakers: fc.Arbitrary<{ what: string; go: () => Promise<Answer> }>[] = [];
      const validOne = validRequest(o);
      // A path or query parameter that breaks its schema.
      for (const p of o.params.filter((x) => x.in === 'path' || x.in === 'query')) {
        breakers.push(
          fc.tuple(validOne, wrongKind(p.schema, true)).map(([{ parts, body }, bad]) => {
            const { url } = build(o, { ...parts, [`${p.in}:${p.name}`]: bad });
            return {
              what: `${p.name}=${JSON.stringify(bad)}`,
              go: () => send(o.method, url, body === undefined ? {} : { body: JSON.stringify(body) }),
            };
          }),
        );
      }
      if (o.body) {
        const { url: anyUrl } = build(o, {
          'path:mechanismId': 'cn-ls',
          'path:quarter': quarter,
          'path:projectId': 'mpiti-road',
        });
        // Malformed JSON, another media type, a body of the wrong kind, a field of the wrong kind.
        breakers.push(fc.constant({ what: 'malformed JSON', go: () => send(o.method, anyUrl, { body: '{"a":' }) }));
        breakers.push(
          fc.constant({
            what: 'text/plain',
            go: () => send(o.method, anyUrl, { body: 'hello', contentType: 'text/plain' }),
          }),
        );
        breakers.push(fc.constant({ what: 'an array body', go: () => send(o.method, anyUrl, { body: '[1,2]' }) }));
        for (const [name, s] of Object.entries((o.body.properties ?? {}) as Record<string, Json>)) {
          breakers.push(
            fc.tuple(valid(o.body), wrongKind(s)).map(([good, bad]) => ({
              what: `${name}=${JSON.stringify(bad)}`,
              go: () => send(o.method, anyUrl, { body: JSON.stringify({ ...(good as object), [name]: bad }) }),
            })),
          );
        }
      }
      if (!breakers.length) continue;
      await fc.assert(
        fc.asyncProperty(fc.oneof(...breakers), async ({ what, go }) => {
          const answer = await go();
          const over = answer.status === 404 || answer.status === 414; // the path no longer names this operation
          if (!over) expectContract(o, answer, `broken: ${what}`);
          expect({ what, status: answer.status, json: answer.body.startsWith('{"error":') }).toEqual({
            what,
            status: expect.any(Number),
            json: true,
          });
          expect([400, 404, 413, 414, 415]).toContain(answer.status);
        }),
        { numRuns: RUNS },
      );
    }
  }, 300_000);
});
