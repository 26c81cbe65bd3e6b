import { CrmMappingListSchema, type CrmMapping } from '../contracts/crm.js';
import { AppError } from '../contracts/errors.js';
import type { AfterAuthorization, ConnectorDefinition, StreamReader, SandboxFactory, WebhookSignature } from '../contracts/connector-kit.js';
import type { StreamStateSchema } from '../contracts/stream-state.js';
import { ManifestSchema, type ConnectorSummary, type Manifest, type StreamManifest } from '../contracts/manifest.js';

export interface CatalogEntry {
  manifest: Manifest;
  streams: Record<string, StreamReader>;
  sandbox?: SandboxFactory | undefined;
  afterAuthorization?: AfterAuthorization | undefined;
  webhook?: WebhookSignature | undefined;
  /** Default CRM field mappings (none: the connector fills no canonical entity unless a connection maps some). */
  crm: CrmMapping[];
  /** What a hand-set cursor of each incremental stream must look like. */
  stateSchemas: Record<string, StreamStateSchema>;
}

/** The connectors this build ships, each manifest checked by the zod schema when loaded. */
export class Catalog {
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(definitions: ConnectorDefinition[]) {
    for (const definition of definitions) {
      const parsed = ManifestSchema.safeParse(definition.manifest);
      if (!parsed.success) {
        const id = (definition.manifest as { id?: unknown }).id;
        throw new Error(`Connector manifest "${String(id)}" is invalid: ${parsed.error.message}`);
      }
      const manifest = parsed.data;
      if (this.entries.has(manifest.id)) throw new Error(`Two connectors share the id "${manifest.id}".`);
      if (manifest.auth_mode === 'oauth2' && !manifest.oauth) throw new Error(`Connector "${manifest.id}" uses oauth2 but has no oauth block.`);
      // An ID token comes back with `openid`, and it can only be validated against a known issuer.
      if (manifest.oauth?.scopes.includes('openid') && !manifest.oauth.issuer) {
        throw new Error(`Connector "${manifest.id}" asks for the openid scope, so its oauth block needs an issuer.`);
      }
      for (const stream of manifest.streams) {
        if (!definition.streams[stream.name]) throw new Error(`Connector "${manifest.id}" declares stream "${stream.name}" but has no reader for it.`);
      }
      const crm = CrmMappingListSchema.safeParse(definition.crm ?? []);
      if (!crm.success) throw new Error(`Connector "${manifest.id}" has invalid CRM mappings: ${crm.error.message}`);
      for (const mapping of crm.data) {
        if (!manifest.streams.some((s) => s.name === mapping.stream)) throw new Error(`Connector "${manifest.id}" maps unknown stream "${mapping.stream}" to the CRM.`);
      }
      for (const name of Object.keys(definition.stateSchemas ?? {})) {
        if (!manifest.streams.some((s) => s.name === name && s.sync_modes.includes('incremental'))) {
          throw new Error(`Connector "${manifest.id}" has a state schema for "${name}", which is not one of its incremental streams.`);
        }
      }
      this.entries.set(manifest.id, {
        manifest,
        streams: definition.streams,
        sandbox: definition.sandbox,
        afterAuthorization: definition.afterAuthorization,
        webhook: definition.webhook,
        crm: crm.data,
        stateSchemas: definition.stateSchemas ?? {},
      });
    }
  }

  list(): ConnectorSummary[] {
    return [...this.entries.values()].map(({ manifest: m }) => ({
      id: m.id,
      name: m.name,
      description: m.description,
      category: m.category,
      auth_mode: m.auth_mode,
      brand_logo: m.brand_logo,
      brand_color: m.brand_color,
    }));
  }

  get(id: string): CatalogEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('connector_not_found', `No connector "${id}" in the catalog.`);
    return entry;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  stream(connectorId: string, stream: string): StreamManifest {
    const found = this.get(connectorId).manifest.streams.find((s) => s.name === stream);
    if (!found) throw new AppError('stream_not_found', `Connector "${connectorId}" has no stream "${stream}".`);
    return found;
  }
}
