import type { FaxView } from '../domain/fax/faxView.js';
import type { RecordedEvent } from '../ports/eventStore.js';
import { FaxActions } from './faxActions.js';
import { progressOf, type FaxProgress, type ProgressStep } from './faxProgress.js';
import type { ConsoleSession } from './sessions.js';

const stateWords: Record<ProgressStep['state'], string> = { done: 'done', current: 'now', failed: 'failed', todo: 'not yet' };
const stateMarks: Record<ProgressStep['state'], string> = { done: '✓', current: '…', failed: '✗', todo: '○' };

/** The steps of an outbound fax, each with its state in words (for screen readers) and a mark. */
export function ProgressSteps({ progress }: { progress: FaxProgress }) {
  return (
    <>
      {progress.steps.map((step) => (
        <li class={`step step-${step.state}`} data-step={step.key}>
          <span class="step-mark" aria-hidden="true">
            {stateMarks[step.state]}
          </span>{' '}
          <span class="step-label">{step.label}</span> <span class="visually-hidden">({stateWords[step.state]})</span>
          {step.detail && <span class="step-detail"> — {step.detail}</span>}
        </li>
      ))}
    </>
  );
}

/**
 * An outbound fax's progress and actions. While it is not finished the section names its live
 * stream (`data-live-progress`), which /console/send.js follows; the status line is a polite live
 * region, so each change is read out without moving focus.
 */
export function FaxProgressPanel({ fax, events, session }: { fax: FaxView; events: readonly RecordedEvent[]; session: ConsoleSession }) {
  const progress = progressOf(events);
  return (
    <section class="progress" aria-labelledby="progress-heading" data-live-progress={progress.finished ? undefined : `/faxes/${encodeURIComponent(fax.faxId)}/live`}>
      <h2 id="progress-heading">Progress</h2>
      <p id="progress-status" class={`progress-status outcome-${progress.outcome}`} role="status" aria-live="polite">
        {progress.status}
      </p>
      <ol id="progress-steps" class="progress-steps">
        <ProgressSteps progress={progress} />
      </ol>
      <div id="fax-actions">
        <FaxActions fax={fax} finished={progress.finished} session={session} />
      </div>
      {!progress.finished && <script src="/console/send.js" defer></script>}
    </section>
  );
}
