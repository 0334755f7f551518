/**
 * A reactor gave up on an event after retrying it: it is set aside ("parked") so the events after
 * it keep flowing, and kept here, in `reactor-<name>`, so a restart neither loses it nor tries it
 * again for ever. The raw error text is kept for the operator; the event itself stays in its stream.
 */
export interface ReactorEventParkedData {
  reactor: string;
  eventId: string;
  stream: string;
  type: string;
  position: number;
  revision: number;
  attempts: number;
  error: string;
}

export const reactorEventParked = 'ReactorEventParked';

export interface ReactorEventParked {
  type: typeof reactorEventParked;
  data: ReactorEventParkedData;
}
