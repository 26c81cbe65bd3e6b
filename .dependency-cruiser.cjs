/**
 * The layers of DESIGN.md §8: each folder imports only from the layers listed before it.
 * Type-only imports (`import type`) may point anywhere.
 */
const layers = {
  contracts: [],
  core: ['contracts'],
  db: ['contracts', 'core'],
  'http-client': ['contracts'],
  connectors: ['contracts', 'http-client', 'connectors'],
  // Domain operations, one folder per concept: what the API, CLI, jobs and MCP tools all call.
  services: ['contracts', 'core', 'db', 'http-client', 'services'],
  // The sync loop only; it calls services for credentials and the CRM projection.
  engine: ['contracts', 'core', 'db', 'http-client', 'services'],
  jobs: ['contracts', 'core', 'db', 'http-client', 'services', 'engine'],
  api: ['contracts', 'core', 'services', 'jobs'],
  mcp: ['contracts', 'core', 'services', 'jobs', 'api'],
  cli: ['contracts', 'core', 'db', 'http-client', 'services', 'engine', 'connectors', 'jobs', 'api', 'mcp', 'cli'],
};

const forbidden = Object.entries(layers).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only from: ${allowed.join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${layer}/`, ...allowed.map((a) => `^src/${a}/`)],
    dependencyTypesNot: ['type-only'],
  },
}));

forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: {},
  to: { circular: true, dependencyTypesNot: ['type-only'] },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
