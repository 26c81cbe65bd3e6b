import { describe, expect, it } from 'vitest';
import { allConnectors } from '../src/connectors/index.js';
import { SchemaRecords } from '../src/connectors/kit/sandbox/schema-records.js';
import { ManifestSchema } from '../src/contracts/manifest.js';
import { schemaValidators } from './acceptance/acceptance-kit.js';

/**
 * The simulator's records are made from a stream's JSON schema alone; every connector's schemas are the test of
 * that: records made from them must pass the same validation the acceptance suite applies to synced records.
 */
describe('records made from every connector schema', () => {
  for (const connector of allConnectors) {
    const manifest = ManifestSchema.parse(connector.manifest);
    it(`${manifest.id}: validate against their own schemas`, () => {
      const validators = schemaValidators(manifest);
      const failures: string[] = [];
      for (const stream of manifest.streams) {
        const records = new SchemaRecords({ schema: stream.json_schema, seed: 3, stream: stream.name, primaryKey: stream.primary_key, ...(stream.cursor_field ? { cursorField: stream.cursor_field } : {}) });
        const validate = validators.get(stream.name)!;
        for (let i = 0; i < 40; i++) {
          if (!validate(records.record(i, 1_717_200_000))) {
            failures.push(`${stream.name}: ${validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
            break;
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
