import type { NotificationRef } from '../domain/notifications/notificationEvents.js';
import { notificationStates } from '../domain/notifications/notificationState.js';
import { createNotificationRedelivery } from '../api/services/notificationRedelivery.js';
import { problemFor } from '../api/problem.js';
import type { RecordedEvent } from '../ports/eventStore.js';
import { actorOf, CsrfField } from './adminKit.js';
import type { ConsoleFeature } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import type { ConsoleSession } from './sessions.js';

const statusInWords = { pending: 'waiting to be sent', retrying: 'failed, will retry', sent: 'delivered', dead: 'dead-lettered: gave up' } as const;

const targetInWords = (target: NotificationRef['target']) => (target.channel === 'email' ? `e-mail to ${target.to.join(', ')}` : `webhook to ${target.url}`);

/** Each notification of a fax (from its stream): where it went, how it stands, and "Re-deliver" for a dead letter. */
export function FaxNotifications({ faxId, events, session }: { faxId: string; events: readonly RecordedEvent[]; session: ConsoleSession }) {
  const refs = new Map<string, NotificationRef>();
  for (const event of events) if (event.type.startsWith('Notification')) refs.set((event.data as NotificationRef).notificationId, event.data as NotificationRef);
  if (refs.size === 0) return null;
  const states = notificationStates(events);
  return (
    <section aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <ul class="notifications">
        {[...refs].map(([id, ref]) => {
          const state = states.get(id)!;
          return (
            <li>
              <span class="what">{targetInWords(ref.target)}</span> ({ref.sourceType}): {statusInWords[state.status]}, {state.attempts} {state.attempts === 1 ? 'attempt' : 'attempts'}
              {state.lastError && <span class="detail"> — last error {`${state.lastError.kind}: ${state.lastError.message}`}</span>}
              {state.status === 'dead' && (
                <form method="post" action={`/faxes/${encodeURIComponent(faxId)}/notifications/${encodeURIComponent(id)}/redeliver`} class="inline">
                  <CsrfField session={session} />
                  <button type="submit" aria-label={`Re-deliver the ${targetInWords(ref.target)}`}>
                    Re-deliver
                  </button>
                </form>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** `POST /faxes/<id>/notifications/<nid>/redeliver`: the API's redeliver command, for whoever may see the fax (as the API allows). */
export const faxNotificationRoutes: ConsoleFeature = (app, { deps, signedIn, csrfChecked, html, visibleFax, notFound }) => {
  const redeliver = createNotificationRedelivery(deps);
  app.post('/faxes/:id/notifications/:notificationId/redeliver', signedIn, csrfChecked, async (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    if (!fax) return notFound(c, session);
    const principal = session.principal;
    try {
      await redeliver(fax.faxId, c.req.param('notificationId'), principal.kind === 'admin' ? 'admin' : `user:${principal.username}`, actorOf(session));
    } catch (error) {
      const problem = problemFor(error);
      if (problem.status !== 404 && problem.status !== 409) throw error;
      return html(c, <MessagePage title="Not re-delivered" message={problem.detail ?? problem.title} session={session} />, problem.status);
    }
    return c.redirect(`/faxes/${encodeURIComponent(fax.faxId)}#notifications-heading`, 303);
  });
};
