export interface TemplateScope {
  fields?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface TemplateOptions {
  /** Applied to each substituted value, e.g. `encodeURIComponent` when the template is a URL. */
  encode?: (value: string) => string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Fills `{{fields.x}}` and `{{config.x}}` placeholders, as manifests use for auth headers and verify probes.
 * A missing key throws an error naming the key only: the values around it are usually credentials.
 */
export function resolveTemplate(template: string, scope: TemplateScope, options: TemplateOptions = {}): string {
  return template.replace(PLACEHOLDER, (_match, expression: string) => {
    const dot = expression.indexOf('.');
    const namespace = dot === -1 ? expression : expression.slice(0, dot);
    const key = dot === -1 ? '' : expression.slice(dot + 1);
    if ((namespace !== 'fields' && namespace !== 'config') || key === '') {
      throw new Error(`Template placeholder {{${expression}}} must look like {{fields.<key>}} or {{config.<key>}}`);
    }
    const value = lookupPath(scope[namespace], key);
    if (value === undefined || value === null) {
      throw new Error(`Template placeholder {{${expression}}} has no value: "${key}" is missing from ${namespace}`);
    }
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return options.encode ? options.encode(text) : text;
  });
}

/** A key may itself contain dots (`fields["a.b"]`); only when it does not is it read as a nested path. */
function lookupPath(source: Record<string, unknown> | undefined, key: string): unknown {
  if (source === undefined) return undefined;
  if (Object.hasOwn(source, key)) return source[key];
  let current: unknown = source;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A connection's config as template values: strings as they are, anything else as its JSON. */
export function templateConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
