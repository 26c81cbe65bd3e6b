import type { SandboxRequest, SandboxResponse, SimulatorContext, SimulatorOverride } from '../../kit/sandbox/index.js';
import { contractsList } from './contracts-list.js';
import type { DeelLinks } from './links.js';
import { ParamError } from './params.js';
import { peopleList } from './people-list.js';
import { contractRecord, personRecord } from './records.js';
import { badRequest, notFound } from './responses.js';
import type { DeelWorld } from './world.js';

/**
 * Deel's endpoints over the kit's stores: `GET /people` and `GET /contracts` (their sorts and filters are Deel's
 * own, which the described streams do not say), and single reads `GET /people/{id}`, `GET /contracts/{id}`.
 * Other paths fall through to the simulator, which answers Deel's 404.
 */
export function deelRoutes(world: DeelWorld, links: DeelLinks): SimulatorOverride {
  let lists: { people: (req: SandboxRequest) => SandboxResponse; contracts: (req: SandboxRequest) => SandboxResponse } | undefined;
  return (req: SandboxRequest, ctx: SimulatorContext): SandboxResponse | undefined => {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (!path.startsWith(`${ctx.basePath}/`)) return undefined;
    const [collection, id, ...rest] = path.slice(ctx.basePath.length + 1).split('/').map(decodeURIComponent);
    if ((collection !== 'people' && collection !== 'contracts') || rest.length > 0) return undefined;
    if (req.method !== 'GET') return { status: 405, body: { errors: [{ message: 'method not allowed' }] } };
    lists ??= { people: peopleList(world, links, ctx.store('people')), contracts: contractsList(world, links, ctx.store('contracts')) };
    if (id === undefined) {
      try {
        return lists[collection](req);
      } catch (error) {
        if (error instanceof ParamError) return badRequest(error.message, error.path);
        throw error;
      }
    }
    const entry = ctx.store(collection).get(id);
    if (entry === undefined || entry.deleted) return notFound(collection === 'people' ? 'Person' : 'Contract');
    return { status: 200, body: { data: collection === 'people' ? personRecord(world, links, entry) : contractRecord(world, links, entry) } };
  };
}
