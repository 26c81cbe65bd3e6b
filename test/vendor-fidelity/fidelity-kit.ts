import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allConnectors } from '../../src/connectors/index.js';
import { readAll, readerContext } from '../../src/connectors/kit/sandbox/index.js';
import type { ConnectorDefinition, StreamState } from '../../src/contracts/connector-kit.js';
import { ManifestSchema } from '../../src/contracts/manifest.js';
import { OpenApiTrafficValidator, type TrafficExchange, type TrafficValidatorOptions } from '../support/openapi-traffic.js';

/**
 * The vendor-fidelity suite (docs/contributing/vendor-fidelity.md): a connector's traffic with its sandbox,
 * checked against the vendor's own OpenAPI document (a faithful subset of it in test/vendor-specs/). With
 * recording on, every stream is read in full, changes are made for each stream the sandbox can change, every
 * incremental stream is read again from the full read's state, and the manifest's verify request is sent;
 * then every recorded request AND response must be one the document allows. A request the document does not
 * allow is a connector bug (or a sandbox bug, if it is the answer that is wrong) and fails the suite.
 */

type Json = Record<string, unknown>;

/** A running sandbox as the suite needs it. */
export interface FidelitySandbox {
  /** The origin, where `/_sandbox/` lives. */
  url: string;
  /** The API base URL a connection uses (the origin, or under it: Slack's `/api`). */
  apiBase: string;
  token: string;
  /** The whole `Authorization` value, when the connection's scheme is not `Bearer <token>` (Jira's API-token Basic). */
  authorization?: string;
  /** The connection config the readers get (default none). */
  config?: Json;
  close(): Promise<void>;
}

/**
 * A correction to the vendor's document where it is wrong about the vendor's own documented behaviour: a
 * narrowly scoped edit of the loaded document (the file on disk stays the vendor's), so every other check still
 * applies to the corrected operation. `why` names the vendor documentation that shows the behaviour.
 */
export interface FidelityAmendment {
  why: string;
  apply(document: Json): void;
}

export interface FidelitySpec {
  /** The connector's manifest id. */
  connector: string;
  /** test/vendor-specs/<file>. */
  specFile: string;
  /** Names a second suite for the same connector (another config, so other requests). */
  variant?: string;
  start(): Promise<FidelitySandbox>;
  validator?: TrafficValidatorOptions;
  /** How many records each stream's change creates, updates and deletes. */
  change?: { create: number; update: number; delete: number };
  amendments?: FidelityAmendment[];
  /** A request to a real path that the document does not allow (an undeclared query parameter), to prove the suite can fail. */
  wrongRequest: { path: string; query: string };
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Loads a subset document from test/vendor-specs/. */
export function vendorSpec(file: string): Json {
  return JSON.parse(readFileSync(path.join(here, '..', 'vendor-specs', file), 'utf8')) as Json;
}

/**
 * The test's own requests to the sandbox open a connection each (`connection: close`). Checking a recording
 * against a large document (Graph's) keeps the event loop busy for seconds; a kept-alive socket then meets the
 * server's keep-alive timeout and the next request at once, and that request dies with ECONNRESET.
 */
const closeAfter = { connection: 'close' };

async function control(url: string, method: string, route: string, body?: Json): Promise<Response> {
  return fetch(`${url}/_sandbox/${route}`, {
    method,
    headers: body ? { ...closeAfter, 'content-type': 'application/json' } : closeAfter,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function recorded(url: string): Promise<TrafficExchange[]> {
  const res = await control(url, 'GET', 'exchanges');
  expect(res.status).toBe(200);
  return ((await res.json()) as { exchanges: TrafficExchange[] }).exchanges;
}

/** The object at a path of the document, or an error naming the path (an amendment must fit the document it corrects). */
export function at(document: Json, ...path: string[]): Json {
  let node: unknown = document;
  for (const key of path) {
    node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
    if (node === undefined) throw new Error(`the document has no ${path.join(' / ')} (stopped at "${key}")`);
  }
  return node as Json;
}

export function defineFidelitySuite(spec: FidelitySpec): void {
  const definition: ConnectorDefinition | undefined = allConnectors.find((c) => c.manifest.id === spec.connector);
  if (!definition) throw new Error(`no connector "${spec.connector}"`);
  const manifest = ManifestSchema.parse(definition.manifest);

  describe(`${spec.connector}${spec.variant ? ` (${spec.variant})` : ''}: traffic against the vendor's OpenAPI document (${spec.specFile})`, () => {
    let sandbox: FidelitySandbox;
    let validator: OpenApiTrafficValidator;
    beforeAll(async () => {
      const document = vendorSpec(spec.specFile);
      for (const amendment of spec.amendments ?? []) amendment.apply(document);
      validator = new OpenApiTrafficValidator(document, { ...spec.validator, ...(process.env.FIDELITY_DEBUG ? { allErrors: true, errorsShown: 200 } : {}) });
      sandbox = await spec.start();
      expect((await control(sandbox.url, 'POST', 'recording', { on: true })).status).toBe(200);
    });
    afterAll(() => sandbox?.close());

    const context = (stream: string, mode: 'full_refresh' | 'incremental', state: StreamState | null) =>
      readerContext({
        manifest,
        stream,
        mode,
        state,
        baseUrl: sandbox.apiBase,
        token: sandbox.token,
        ...(sandbox.authorization === undefined ? {} : { authorization: sandbox.authorization }),
        config: sandbox.config ?? {},
      });

    it('sends only requests the document allows, and gets only answers it describes: full read, changes, incremental read, verify', async () => {
      await control(sandbox.url, 'DELETE', 'exchanges');
      const states = new Map<string, StreamState | null>();
      for (const stream of manifest.streams) {
        const reader = definition.streams[stream.name];
        if (!reader) throw new Error(`no reader for ${stream.name}`);
        const full = await readAll(reader, context(stream.name, 'full_refresh', null));
        expect(full.records.length, `${stream.name}: the full read found records`).toBeGreaterThan(0);
        states.set(stream.name, full.state);
      }
      const changed: string[] = [];
      for (const stream of manifest.streams) {
        const res = await control(sandbox.url, 'POST', 'changes', { stream: stream.name, ...(spec.change ?? { create: 3, update: 3, delete: 2 }) });
        // A sandbox refuses (400) changes to a stream its provider does not change (Slack's users…).
        expect([200, 400], `${stream.name}: ${await res.clone().text()}`).toContain(res.status);
        if (res.status === 200) changed.push(stream.name);
      }
      expect(changed.length, 'at least one stream changed').toBeGreaterThan(0);
      for (const stream of manifest.streams.filter((s) => s.sync_modes.includes('incremental'))) {
        await readAll(definition.streams[stream.name]!, context(stream.name, 'incremental', states.get(stream.name) ?? null));
      }
      if (manifest.verify) {
        const verify = manifest.verify;
        const res = await context(manifest.streams[0]!.name, 'full_refresh', null).http.request({
          method: verify.method,
          url: verify.path,
          headers: verify.headers,
          retry: false,
          acceptStatus: verify.success_status,
        });
        expect(verify.success_status).toContain(res.status);
      }

      const exchanges = await recorded(sandbox.url);
      if (process.env.FIDELITY_DEBUG) console.log([...new Set(exchanges.map((e) => `${e.method} ${e.path.replace(/\d+/g, 'N')}?${e.query.replace(/=[^&]*/g, '=')} ${e.status}`))].join('\n'));
      expect(exchanges.length).toBeGreaterThan(manifest.streams.length);
      // The recorder keeps the last 5,000: a suite that sent more would check only part of its traffic.
      expect(exchanges.length).toBeLessThan(5000);
      if (manifest.verify) expect(exchanges.some((e) => `${e.path}${e.query ? `?${e.query}` : ''}`.endsWith(manifest.verify!.path))).toBe(true);
      expect(validator.validateAll(exchanges)).toEqual([]);
    });

    it('reports a request the document does not allow (so this suite can fail)', async () => {
      await control(sandbox.url, 'DELETE', 'exchanges');
      await fetch(`${sandbox.apiBase}${spec.wrongRequest.path}?${spec.wrongRequest.query}`, { headers: { ...closeAfter, authorization: sandbox.authorization ?? `Bearer ${sandbox.token}` } });
      const exchanges = await recorded(sandbox.url);
      expect(exchanges).toHaveLength(1);
      const violations = validator.validateAll(exchanges);
      expect(violations.join('\n')).toMatch(/query parameter "[^"]+" is not declared/);
    });
  });
}
