import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { faxStream } from '../domain/streams.js';
import type { EventStore, RecordedEvent } from '../ports/eventStore.js';
import type { FaxReadModel } from '../ports/faxReadModel.js';
import { FaxActions } from './faxActions.js';
import { TimelineItems } from './faxPage.js';
import { progressOf } from './faxProgress.js';
import { ProgressSteps } from './faxProgressPanel.js';
import type { AppliedListener } from './liveFaxes.js';
import { createOpenStreams } from './openStreams.js';
import type { ConsoleSession } from './sessions.js';

/** Batches arriving closer together than this are answered with one read per stream. */
const coalesceMs = 100;

/**
 * Server-Sent Events for one outbound fax's page. After each batch the projection runner applies,
 * the stream reads the fax's events past the last one it saw (one indexed read of a short stream)
 * and, when there are new ones, sends the status line, the steps, the actions and the timeline
 * rendered again (`progress`). Once the fax is finished it says so and ends.
 */
export function liveFaxProgress(deps: { eventStore: EventStore; faxes: FaxReadModel; onApplied: AppliedListener }) {
  const streams = createOpenStreams();
  return {
    /** Ends every open stream (the server is shutting down). */
    closeAll: streams.closeAll,
    stream(c: Context, faxId: string, session: ConsoleSession) {
      return streamSSE(c, async (stream) => {
        const events: RecordedEvent[] = [];
        let finished = false;
        let reading = false;
        let again = false;
        let timer: NodeJS.Timeout | undefined;
        let end = () => {};

        const send = async () => {
          const progress = progressOf(events);
          const fax = deps.faxes.find(faxId);
          const actions = fax ? await (<FaxActions fax={fax} finished={progress.finished} session={session} />)?.toString() : '';
          await stream.writeSSE({
            event: 'progress',
            data: JSON.stringify({
              status: progress.status,
              outcome: progress.outcome,
              finished: progress.finished,
              steps: await (<ProgressSteps progress={progress} />).toString(),
              actions: actions ?? '',
              timeline: await (<TimelineItems events={events} />).toString(),
            }),
          });
          finished = progress.finished;
        };
        // One read at a time; a batch arriving meanwhile asks for one more.
        const refresh = async () => {
          timer = undefined;
          if (reading) return void (again = true);
          reading = true;
          try {
            const fresh = await deps.eventStore.readStream(faxStream(faxId), { fromRevision: events.length });
            if (fresh.length > 0) {
              events.push(...fresh);
              await send();
            }
          } catch {
            // The browser went away (onAbort ends the stream) or the store is closing.
          } finally {
            reading = false;
          }
          if (finished) end();
          else if (again) {
            again = false;
            void refresh();
          }
        };

        const unsubscribe = deps.onApplied(() => {
          if (!timer) timer = setTimeout(() => void refresh(), coalesceMs);
        });
        // What happened between the page's rendering and this stream is sent at once.
        await refresh();
        if (finished) return unsubscribe();
        const held = streams.hold(stream, () => {
          if (timer) clearTimeout(timer);
          unsubscribe();
        });
        end = held.end;
        await held.ended;
      });
    },
  };
}
