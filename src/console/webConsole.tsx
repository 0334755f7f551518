import { Hono } from 'hono';
import { adminRoutes } from './adminRoutes.js';
import { consoleCss, consoleLiveJs } from './consoleAssets.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { createConsoleKit, type ConsoleEnv } from './consoleKit.js';
import { faxNotificationRoutes } from './faxNotifications.js';
import { faxViewRoutes } from './faxViewRoutes.js';
import { readMarkJs } from './readMark.js';
import { purgeRoutes } from './purgeRoutes.js';
import { readMarkRoutes } from './readMarkRoutes.js';
import { createSessionStore } from './sessions.js';
import { sendRoutes } from './sendRoutes.js';
import { signInRoutes } from './signInRoutes.js';
import { statsFeature } from './statsFeature.js';

export type { ConsoleDeps } from './consoleDeps.js';

/** The web console at `/`: each feature (a file of its own) adds its routes. `close` ends its live streams. */
export function createWebConsole(deps: ConsoleDeps): { routes: Hono; close(): void } {
  const app = new Hono<ConsoleEnv>();
  const kit = createConsoleKit(deps, createSessionStore({ idleTimeoutMs: deps.sessionIdleTimeoutMs, clock: deps.clock }));
  const faxViews = faxViewRoutes();
  const send = sendRoutes();

  app.get('/console/style.css', (c) => c.body(consoleCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));
  app.get('/console/live.js', (c) => c.body(consoleLiveJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));

  app.get('/console/readMark.js', (c) => c.body(readMarkJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));

  for (const feature of [signInRoutes, faxViews.feature, readMarkRoutes, faxNotificationRoutes, statsFeature, adminRoutes, send.feature, purgeRoutes]) feature(app, kit);

  // Mounted on the API's app, whose context knows nothing of the console's session variable.
  return { routes: new Hono().route('/', app), close: () => (faxViews.close(), send.close()) };
}
