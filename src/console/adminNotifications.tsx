import type { Context } from 'hono';
import { findTenant } from '../../projections/directoryQueries.js';
import type { NotificationView } from '../domain/notifications/notificationView.js';
import { createNotificationRedelivery } from '../api/services/notificationRedelivery.js';
import { problemFor } from '../api/problem.js';
import { AdminPage, CsrfField, actorOf, adminOnly, formValues } from './adminKit.js';
import type { ConsoleEnv, ConsoleFeature, ConsoleKit } from './consoleKit.js';
import { purgedInWords, shortTime } from './format.js';

const limit = 200;

const targetInWords = (n: NotificationView) => (n.target.channel === 'email' ? `e-mail to ${n.target.to.join(', ')}` : `webhook to ${n.target.url}`);

function DeadLettersPage({ kit, c, refusal }: { kit: ConsoleKit; c: Context<ConsoleEnv>; refusal?: string | undefined }) {
  const session = c.get('session');
  const tenantId = c.req.query('tenantId') || undefined;
  const dead = kit.deps.notifications.list({ status: 'dead', ...(tenantId ? { tenantId } : {}) }, limit);
  const tenantName = (id: string | null) => (id === null ? '' : (findTenant(kit.deps.tenancy.directory(), id)?.name ?? `tenant ${id}`));
  return (
    <AdminPage title="Dead-lettered notifications" section="/admin/notifications" session={session}>
      {refusal && (
        <p class="notice" role="alert">
          {refusal}
        </p>
      )}
      <p>E-mails and webhooks that failed after their whole retry schedule (or for good). Re-delivering starts a new round of the schedule, with the same webhook-id.</p>
      {dead.length === 0 ? (
        <p>No dead letters.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Fax</th>
              <th scope="col">Tenant</th>
              <th scope="col">Notification</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Dead since</th>
              <th scope="col">Re-deliver</th>
            </tr>
          </thead>
          <tbody>
            {dead.map((n) => (
              <tr>
                <td data-label="Fax">
                  <a href={`/faxes/${encodeURIComponent(n.faxId)}`}>{n.faxId}</a>
                </td>
                <td data-label="Tenant">{tenantName(n.tenantId)}</td>
                <td data-label="Notification">
                  {n.sourceType}: {n.purged ? `(${purgedInWords(n)})` : targetInWords(n)}
                </td>
                <td data-label="Attempts">{n.attempts}</td>
                <td data-label="Last error">{n.lastError ? `${n.lastError.kind}: ${n.lastError.message}` : ''}</td>
                <td data-label="Dead since">{shortTime(n.deadLetteredAt)}</td>
                <td data-label="Re-deliver">
                  {n.purged ? (
                    'no: its fax was purged'
                  ) : (
                    <form method="post" action="/admin/notifications/redeliver" class="inline">
                      <CsrfField session={session} />
                      <input type="hidden" name="faxId" value={n.faxId} />
                      <input type="hidden" name="notificationId" value={n.notificationId} />
                      <button type="submit" aria-label={`Re-deliver the ${targetInWords(n)} about fax ${n.faxId}`}>
                        Re-deliver
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminPage>
  );
}

/** Dead letters from the notifications read model, and their redelivery: the API's redeliver command, recorded as the admin's. */
export const adminNotifications: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const admin = adminOnly(kit);
  const redeliver = createNotificationRedelivery(deps);

  app.get('/admin/notifications', signedIn, admin, (c) => html(c, <DeadLettersPage kit={kit} c={c} />));
  app.post('/admin/notifications/redeliver', signedIn, admin, csrfChecked, async (c) => {
    const session = c.get('session');
    const { faxId = '', notificationId = '' } = await formValues(c);
    try {
      if (!kit.visibleFax(faxId, session)) return kit.notFound(c, session);
      await redeliver(faxId, notificationId, 'admin', actorOf(session));
    } catch (error) {
      const problem = problemFor(error);
      if (problem.status !== 404 && problem.status !== 409 && problem.status !== 410) throw error;
      return html(c, <DeadLettersPage kit={kit} c={c} refusal={`Not re-delivered: ${problem.detail ?? problem.title}`} />, problem.status);
    }
    return c.redirect('/admin/notifications', 303);
  });
};
