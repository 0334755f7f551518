import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ServedApp {
  /** A request over its own TCP connection from a loopback address (any 127.x.y.z works on Linux). */
  request(from: string, method: string, path: string, authorization?: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Serves an app on a real socket, so it sees real peer addresses (getConnInfo). */
export async function serveOverHttp(app: { fetch: (request: Request, ...rest: any[]) => Response | Promise<Response> }): Promise<ServedApp> {
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    request(from, method, path, authorization, headers = {}) {
      return new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method, localAddress: from, agent: false, headers: authorization ? { ...headers, authorization } : headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
