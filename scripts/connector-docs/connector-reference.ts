import type { Field, Manifest, StreamManifest } from '../../src/contracts/manifest.js';
import { code, markdownTable } from './markdown-table.js';
import { schemaFields } from './schema-fields.js';

/** `api_key`, and OAuth too when the manifest has an `oauth` block (any connector with one can be authorized). */
export function authSummary(manifest: Manifest): string {
  const mode = code(manifest.auth_mode);
  if (!manifest.oauth || manifest.auth_mode === 'oauth2') return mode;
  return `${mode} or OAuth 2.0`;
}

function rateLimit(manifest: Manifest): string {
  const limit = manifest.rate_limit;
  if (!limit) return "none set: only the provider's own rate-limit answers pace it";
  return `${limit.requests_per_second} requests a second per connection, burst ${limit.burst} (\`config.requests_per_second\` overrides)`;
}

function overview(manifest: Manifest): string {
  const rows: string[][] = [
    ['id', code(manifest.id)],
    ['category', manifest.category],
    ['auth mode', authSummary(manifest)],
  ];
  const oauth = manifest.oauth;
  if (oauth) {
    rows.push(['OAuth', `${code(`POST /api/v1/oauth/${manifest.id}/authorize`)}; PKCE ${oauth.pkce ? 'S256' : 'not used'}; token endpoint auth ${code(oauth.token_auth)}`]);
    rows.push(['OAuth scopes', oauth.scopes.length > 0 ? oauth.scopes.map(code).join(', ') : 'none requested']);
  }
  rows.push(['rate limit', rateLimit(manifest)]);
  rows.push(['base URL', code(manifest.base_url)]);
  rows.push(['allowed hosts', manifest.allowed_hosts.map(code).join(', ')]);
  if (manifest.verify) rows.push(['verify probe', code(`${manifest.verify.method} ${manifest.verify.path}`)]);
  return markdownTable(['', 'from the manifest'], rows);
}

function fieldTable(fields: Field[], withSecret: boolean): string {
  if (fields.length === 0) return 'None.';
  const headers = withSecret ? ['key', 'label', 'type', 'secret', 'required', 'help'] : ['key', 'label', 'type', 'required', 'help'];
  return markdownTable(
    headers,
    fields.map((f) => {
      const row = [code(f.key), f.label, f.type];
      if (withSecret) row.push(f.secret ? 'yes' : 'no');
      row.push(f.required ? 'yes' : 'no', f.help ?? '');
      return row;
    }),
  );
}

function streamSection(stream: StreamManifest): string {
  const facts = [
    `- sync modes: ${stream.sync_modes.map(code).join(', ')}`,
    `- primary key: ${stream.primary_key.map(code).join(' + ')}`,
    `- cursor field: ${stream.cursor_field ? code(stream.cursor_field) : 'none'}`,
  ];
  const fields = schemaFields(stream.json_schema);
  const table = fields.length === 0
    ? 'The schema declares no properties.'
    : markdownTable(['field', 'type', 'required', 'description'], fields.map((f) => [code(f.name), f.type, f.required ? 'yes' : '', f.description]));
  return [`### Stream ${code(stream.name)}`, ...(stream.description ? ['', stream.description] : []), '', ...facts, '', table].join('\n');
}

/** The reference part of a connector's page, made from its parsed manifest. */
export function connectorReference(manifest: Manifest): string {
  return [
    '## Reference',
    '',
    `Made from the manifest (\`src/connectors/${manifest.id}/\`) by \`npm run docs:connectors\`; edit the manifest, not this part.`,
    '',
    overview(manifest),
    '',
    '### Credential fields',
    '',
    fieldTable(manifest.fields, true),
    '',
    '### Config fields',
    '',
    fieldTable(manifest.config_fields, false),
    '',
    ...manifest.streams.flatMap((s) => [streamSection(s), '']),
  ].join('\n').trimEnd();
}
