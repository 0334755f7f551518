import { faxIsOver, purgeStateOf } from '../domain/fax/purgeDecision.js';
import type { RecordedEvent } from '../ports/eventStore.js';

export const purgePath = (faxId: string) => `/faxes/${encodeURIComponent(faxId)}/purge`;

/** The fax page's link to the purge confirmation: once the fax is over and while no purge was asked for. */
export function PurgeLink({ faxId, events }: { faxId: string; events: readonly RecordedEvent[] }) {
  const state = purgeStateOf(events);
  if (state !== 'none') return <p class="notice">{state === 'purged' ? "This fax's personal data was purged." : "This fax's purge was asked for and is under way."}</p>;
  if (!faxIsOver(events)) return null;
  return (
    <p>
      <a href={purgePath(faxId)}>Purge this fax…</a>
    </p>
  );
}

