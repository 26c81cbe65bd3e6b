/** A client of the authorization server, whichever way it identified itself. */
export interface McpClient {
  id: string;
  /** `metadata_document`: the client_id is an https URL serving its metadata; `registered`: RFC 7591. */
  kind: 'metadata_document' | 'registered';
  name: string | null;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'none' | 'client_secret_basic' | 'client_secret_post';
  /** SHA-256 of a confidential client's secret. */
  secretHash: string | null;
}
