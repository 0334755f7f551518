import { effectiveTenantId } from './actingTenant.js';
import type { ConsoleFeature } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import { StatsPage } from './statsPage.js';
import { consoleStatsWindows, statsPageData } from './statsPageData.js';

/** `/stats`: the statistics read model's figures as charts, scoped like `/v1/stats/*`. */
export const statsFeature: ConsoleFeature = (app, { deps, signedIn, html }) => {
  app.get('/stats', signedIn, (c) => {
    const session = c.get('session');
    if (!deps.stats) return html(c, <MessagePage title="Statistics unavailable" message="This server keeps no statistics read model." session={session} />, 503);
    const asked = c.req.query('window') ?? '24h';
    const window = consoleStatsWindows.find((w) => w === asked);
    if (!window) {
      return html(c, <MessagePage title="Unknown window" message={`The window "${asked}" is not one of ${consoleStatsWindows.join(', ')}.`} session={session} />, 400);
    }
    return html(c, <StatsPage data={statsPageData(deps.stats, effectiveTenantId(session), window, deps.clock.now().getTime(), deps.tenantName)} session={session} />);
  });
};
