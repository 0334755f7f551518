import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app.js';
import { problemResponse } from '../problem.js';

/** One thing faxengine depends on, as `/readyz` reports it. */
export interface ReadinessCheck {
  /** The key in the answer, e.g. `freeswitchDialer`. */
  name: string;
  /** Whether it answers now; a throw counts as unreachable. */
  check(): boolean | Promise<boolean>;
  /** Without it faxes can be neither sent nor received: unready (503). Otherwise only reported. */
  required: boolean;
}

const dependencyState = z.enum(['ok', 'unreachable']);
const dependencies = z.record(z.string(), dependencyState).openapi({
  description:
    'Each dependency: eventStore, freeswitchControl and freeswitchDialer (the event socket connections; with several nodes, some node\'s), freeswitch.<node> for each node of freeswitch.nodes (ok when both its connections are up; a node down is only reported while another works), kafka and smtp when configured',
  example: { eventStore: 'ok', freeswitchControl: 'ok', freeswitchDialer: 'ok' },
});

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process is up',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: faxes can be sent and received (event store and FreeSWITCH reachable); every dependency reported',
  responses: {
    200: {
      description: 'ready (Kafka or SMTP may still be unreachable: see `dependencies`)',
      content: { 'application/json': { schema: z.object({ status: z.literal('ready'), eventStore: z.literal('ok'), dependencies }) } },
    },
    503: { description: 'a required dependency is unreachable (problem+json, with `dependencies`)' },
  },
});

export function healthRoutes(deps: Pick<AppDeps, 'eventStore' | 'logger' | 'readiness'>): OpenAPIHono {
  const routes = new OpenAPIHono();
  const checks: ReadinessCheck[] = [{ name: 'eventStore', check: () => deps.eventStore.ping().then(() => true), required: true }, ...(deps.readiness ?? [])];
  routes.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
  routes.openapi(readyz, async (c) => {
    const results = await Promise.all(
      checks.map(async (dependency) => {
        try {
          return { dependency, ok: await dependency.check() };
        } catch (error) {
          deps.logger.debug({ err: error, dependency: dependency.name }, 'readiness check failed');
          return { dependency, ok: false };
        }
      }),
    );
    const states = Object.fromEntries(results.map(({ dependency, ok }) => [dependency.name, ok ? ('ok' as const) : ('unreachable' as const)]));
    const missing = results.filter(({ dependency, ok }) => dependency.required && !ok).map(({ dependency }) => dependency.name);
    if (missing.length === 0) return c.json({ status: 'ready' as const, eventStore: 'ok' as const, dependencies: states }, 200);
    deps.logger.warn({ dependencies: states }, 'readiness check failed');
    const detail = `${missing.map(describe).join(', ')} unreachable`;
    return problemResponse(c, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail, dependencies: states }) as never;
  });
  return routes;
}

const names: Record<string, string> = {
  eventStore: 'event store',
  freeswitchControl: 'FreeSWITCH event socket (call control)',
  freeswitchDialer: 'FreeSWITCH event socket (dialer)',
};
const describe = (name: string) => names[name] ?? (name.startsWith('freeswitch.') ? `FreeSWITCH node ${name.slice('freeswitch.'.length)}` : name);
