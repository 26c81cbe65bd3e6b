/**
 * `npm run docs:connectors`: rewrites the parts of docs/connectors/*.md made from the manifests (each page's
 * reference, the index table). test/connector-docs.test.ts fails until this has been run after a manifest change.
 */
import { fileURLToPath } from 'node:url';
import { writeConnectorDocs } from './connector-docs/connector-doc-pages.js';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const changed = await writeConnectorDocs(root);
  console.log(changed.length === 0 ? 'Connector docs are up to date.' : `Rewrote ${changed.join(', ')}`);
} catch (error) {
  // A missing page or marker is the author's to fix; the message says what, a stack trace would not help.
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
