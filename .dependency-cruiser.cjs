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

// A connector's folder (src/connectors/<id>/, its sandbox included) imports only the connector kit and its own
// files — not even types from elsewhere: the kit re-exports every contract a connector needs. So a connector can
// never reach services, db or another connector, and the kit is the one surface to document and keep stable.
forbidden.push({
  name: 'connector-imports-kit-only',
  comment: 'src/connectors/<id>/ may import only src/connectors/kit/ and its own folder',
  severity: 'error',
  from: { path: '^src/connectors/([^/]+)/', pathNot: '^src/connectors/kit/' },
  to: { path: '^src/', pathNot: ['^src/connectors/kit/', '^src/connectors/$1/'] },
});

// The kit serves every connector and depends on none of them.
forbidden.push({
  name: 'kit-imports-no-connector',
  comment: 'src/connectors/kit/ may not import a connector',
  severity: 'error',
  from: { path: '^src/connectors/kit/' },
  to: { path: '^src/connectors/', pathNot: '^src/connectors/kit/' },
});

// Services are what every caller shares, so they may not lean on any caller — not even for a type (a type from
// api/ or engine/ in a service signature is how a route's or a run's shape leaks into the domain).
forbidden.push({
  name: 'services-know-no-caller',
  comment: 'src/services may not import api, jobs, engine, mcp or cli, not even types',
  severity: 'error',
  from: { path: '^src/services/' },
  to: { path: '^src/(api|jobs|engine|mcp|cli)/' },
});

// A route handler parses, calls a service and renders: it never reaches the database. Renderers (api/views.ts,
// routes/**/*-views.ts) may name the row types they render.
forbidden.push({
  name: 'routes-reach-no-db',
  comment: 'src/api route handlers may not import src/db, not even types (renderers may import row types)',
  severity: 'error',
  from: { path: '^src/api/', pathNot: ['^src/api/views\\.ts$', '^src/api/routes/.*-views\\.ts$'] },
  to: { path: '^src/db/' },
});

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
