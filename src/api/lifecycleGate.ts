/** What @hono/node-server calls per request; the second argument carries Node's request and response. */
export type FetchHandler = (request: Request, env?: object) => Response | Promise<Response>;

export interface LifecycleGate {
  /** Hand this to the HTTP server: it answers for whichever phase the process is in. */
  fetch: FetchHandler;
  /** Start-up is over: requests go to `app` from now on. */
  open(app: FetchHandler): void;
  /** Shutdown began: `/readyz` and the API answer 503 from now on; requests already running finish. */
  drain(): void;
  readonly phase: 'starting' | 'ready' | 'draining';
}

/**
 * Lets the HTTP listener be bound first thing at start-up (so a busy port stops the start before
 * anything else happened) and keep listening while the process drains. Outside the `ready` phase,
 * `/healthz` still says the process is alive, while `/readyz` and every other route answer 503
 * problem+json with `Retry-After`, so load balancers take this instance out at once and clients
 * retry elsewhere. While draining, each answer also closes its connection, so keep-alive clients
 * go elsewhere too.
 */
export function createLifecycleGate(): LifecycleGate {
  let phase: LifecycleGate['phase'] = 'starting';
  let app: FetchHandler | undefined;

  function unavailable(request: Request): Response {
    if (new URL(request.url).pathname === '/healthz') return Response.json({ status: 'ok' });
    const draining = phase === 'draining';
    const problem = {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: draining ? 'faxengine is draining: it takes no new requests and stops once the calls in progress have finished' : 'faxengine is starting',
      phase,
    };
    return new Response(JSON.stringify(problem), {
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': draining ? '30' : '5', ...(draining ? { connection: 'close' } : {}) },
    });
  }

  return {
    fetch: (request, env) => (phase === 'ready' && app ? app(request, env) : unavailable(request)),
    open(handler) {
      app = handler;
      if (phase === 'starting') phase = 'ready';
    },
    drain() {
      phase = 'draining';
    },
    get phase() {
      return phase;
    },
  };
}
