import type { T38Status } from '../../domain/fax/inboundFaxEvents.js';
import type { RecordedCallOutcome } from '../../domain/fax/recordedCallOutcome.js';

/** The mod_db realm the hang-up hook writes to: one key per call uuid. */
export const FAX_OUTCOME_REALM = 'faxengine_outcome';

/**
 * The value every fax call gets as `api_hangup_hook`. FreeSWITCH runs it in the call's own thread
 * in CS_HANGUP, after the running application (txfax/rxfax) has returned and set its `fax_*`
 * variables, and expands `${…}` only then (switch_core_state_machine.c `api_hook`); mod_db keeps
 * the row in its database, so it outlives faxengine and a FreeSWITCH restart. The value has no
 * `/` (`db insert` splits on the first three), no `,` or quote, and no `::` (the hook's
 * command/argument separator): fields are `:`-separated numbers and words.
 */
export function outcomeHook(callUuid: string): string {
  const fields = [
    'fax_success',
    'fax_result_code',
    'fax_document_transferred_pages',
    'hangup_cause',
    'answer_epoch',
    'fax_transfer_rate',
    'fax_ecm_used',
    'fax_t38_status',
  ].map((name) => `\${${name}}`);
  return `db insert/${FAX_OUTCOME_REALM}/${callUuid}/v1:${fields.join(':')}`;
}

const t38Statuses = new Set<T38Status>(['off', 'requested', 'negotiated', 'refused']);
const int = (text: string | undefined): number => {
  const value = Number.parseInt(text ?? '', 10);
  return Number.isFinite(value) ? value : 0;
};

/** Reads what `outcomeHook` wrote; undefined for an empty or foreign value. */
export function parseOutcomeRecord(text: string): RecordedCallOutcome | undefined {
  const [version, success, code, pages, hangupCause, answerEpoch, rate, ecm, t38] = text.trim().split(':');
  if (version !== 'v1' || !hangupCause) return undefined;
  const answeredSeconds = int(answerEpoch);
  return {
    hangupCause,
    answered: answeredSeconds > 0,
    ...(answeredSeconds > 0 ? { answeredAt: new Date(answeredSeconds * 1000).toISOString() } : {}),
    ...(success === '0' || success === '1'
      ? {
          fax: {
            success: success === '1',
            code: int(code),
            pages: int(pages),
            transferRate: int(rate),
            ecm: ecm === 'on',
            t38Status: t38Statuses.has(t38 as T38Status) ? (t38 as T38Status) : 'off',
          },
        }
      : {}),
  };
}

type Api = (command: string) => Promise<string>;

/** The record of a call, through any `api` connection; undefined when there is none (or no mod_db). */
export async function readOutcomeRecord(api: Api, callUuid: string): Promise<RecordedCallOutcome | undefined> {
  return parseOutcomeRecord(await api(`db select/${FAX_OUTCOME_REALM}/${callUuid}`));
}

export async function deleteOutcomeRecord(api: Api, callUuid: string): Promise<void> {
  await api(`db delete/${FAX_OUTCOME_REALM}/${callUuid}`);
}
