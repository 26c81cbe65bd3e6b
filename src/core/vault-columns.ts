/**
 * Every column holding vault ciphertext, with what each ciphertext is bound to (the associated data passed to
 * `Vault.encrypt` by the code that writes it). Re-encryption on key rotation, the key usage counts and the
 * start-up key check all walk this list, so a new encrypted column is one entry here — nothing else to change.
 */
export interface VaultColumn {
  /** `table.column`, for reports and messages. */
  name: string;
  table: string;
  /** A unique, sortable text column: re-encryption pages through rows by it. */
  idColumn: string;
  column: string;
  /** A column naming the ciphertext's key id next to it, kept in step by re-encryption. */
  keyIdColumn?: string;
  /** The associated data the ciphertext of row `id` was encrypted with. */
  boundTo(id: string): string;
}

/** What a connection's webhook-token ciphertext is bound to: a ciphertext moved to another connection does not decrypt. */
export const webhookTokenBoundTo = (connectionId: string): string => `${connectionId}:webhook`;

export const vaultColumns: readonly VaultColumn[] = [
  // src/api/routes/connections/connections.ts (install, PATCH) and the OAuth token store: bound to the connection id.
  { name: 'connections.credentials', table: 'connections', idColumn: 'id', column: 'credentials', keyIdColumn: 'credentials_key_id', boundTo: (id) => id },
  // src/api/routes/connections/connections.ts and webhook-url.ts: the trigger token, revealable by an admin.
  { name: 'connections.webhook_token', table: 'connections', idColumn: 'id', column: 'webhook_token', boundTo: webhookTokenBoundTo },
  // src/services/oauth/begin-authorization.ts and consume-state.ts: the PKCE verifier of a pending authorization.
  { name: 'oauth_states.code_verifier', table: 'oauth_states', idColumn: 'id', column: 'code_verifier', boundTo: (id) => `${id}:pkce` },
];

