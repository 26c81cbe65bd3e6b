/**
 * A client may narrow its own credential to read-only with this header (`tributary mcp --read-only` bridging to
 * /mcp sends it): the server then hides mutating tools as for a read-only key. It can never widen anything.
 */
export const readOnlyHeader = 'tributary-read-only';
