/**
 * spandsp's T.30 completion codes (`fax-result-code`) with their exact texts and what they mean
 * for retrying. Source: reference/freeswitch-esl.md §3.7 (spandsp t30.h + t30_completion_code_to_str).
 */
export type T30ReasonClass =
  | 'success'
  /** The far end never behaved like a fax machine (voice line, no answer tone). */
  | 'no_fax_detected'
  /** Capabilities exchange or modem training failed. */
  | 'negotiation_failed'
  /** Training/negotiation worked but a page transfer failed. */
  | 'page_transfer_failed'
  /** The call dropped in the middle of the fax. */
  | 'call_dropped'
  /** Our TIFF could not be used: retrying cannot help. */
  | 'local_document_error'
  /** Link-level or protocol trouble (timers, carriers, unexpected messages). */
  | 'link_error'
  /** A T.30 feature (polling, passwords, sub-addresses) was refused. */
  | 'feature_refused';

export interface T30Result {
  code: number;
  text: string;
  reasonClass: T30ReasonClass;
}

const table: Array<[number, string, T30ReasonClass]> = [
  [0, 'OK', 'success'],
  [1, 'The CED tone exceeded 5s', 'link_error'],
  [2, 'Timed out waiting for initial communication', 'no_fax_detected'],
  [3, 'Timed out waiting for the first message', 'no_fax_detected'],
  [4, 'Timed out waiting for procedural interrupt', 'link_error'],
  [5, 'The HDLC carrier did not stop in a timely manner', 'link_error'],
  [6, 'Failed to train with any of the compatible modems', 'negotiation_failed'],
  [7, 'Operator intervention failed', 'link_error'],
  [8, 'Far end is not compatible', 'negotiation_failed'],
  [9, 'Far end is not able to receive', 'negotiation_failed'],
  [10, 'Far end is not able to transmit', 'negotiation_failed'],
  [11, 'Far end cannot receive at the resolution of the image', 'negotiation_failed'],
  [12, 'Far end cannot receive at the size of image', 'negotiation_failed'],
  [13, 'Unexpected message received', 'link_error'],
  [14, 'Received bad response to DCS or training', 'negotiation_failed'],
  [15, 'Received a DCN from remote after sending a page', 'page_transfer_failed'],
  [16, 'Invalid ECM response received from receiver', 'page_transfer_failed'],
  [17, 'Received a DCN while waiting for a DIS', 'negotiation_failed'],
  [18, 'Invalid response after sending a page', 'page_transfer_failed'],
  [19, 'Received other than DIS while waiting for DIS', 'negotiation_failed'],
  [20, 'Received no response to DCS or TCF', 'negotiation_failed'],
  [21, 'No response after sending a page', 'page_transfer_failed'],
  [22, 'Timed out waiting for receiver ready (ECM mode)', 'page_transfer_failed'],
  [23, 'Invalid ECM response received from transmitter', 'page_transfer_failed'],
  [24, 'DCS received while waiting for DTC', 'negotiation_failed'],
  [25, 'Unexpected command after page received', 'page_transfer_failed'],
  [26, 'Carrier lost during fax receive', 'page_transfer_failed'],
  [27, 'Timed out while waiting for EOL (end Of line)', 'page_transfer_failed'],
  [28, 'Timed out while waiting for first line', 'page_transfer_failed'],
  [29, 'Timer T2 expired while waiting for DCN', 'link_error'],
  [30, 'Timer T2 expired while waiting for phase D', 'page_transfer_failed'],
  [31, 'Timer T2 expired while waiting for fax page', 'page_transfer_failed'],
  [32, 'Timer T2 expired while waiting for next fax page', 'page_transfer_failed'],
  [33, 'Timer T2 expired while waiting for RR command', 'page_transfer_failed'],
  [34, 'Timer T2 expired while waiting for NSS, DCS or MCF', 'negotiation_failed'],
  [35, 'Unexpected DCN while waiting for DCS or DIS', 'negotiation_failed'],
  [36, 'Unexpected DCN while waiting for image data', 'page_transfer_failed'],
  [37, 'Unexpected DCN while waiting for EOM, EOP or MPS', 'page_transfer_failed'],
  [38, 'Unexpected DCN after EOM or MPS sequence', 'page_transfer_failed'],
  [39, 'Unexpected DCN after RR/RNR sequence', 'page_transfer_failed'],
  [40, 'Unexpected DCN after requested retransmission', 'page_transfer_failed'],
  [41, 'TIFF/F file cannot be opened', 'local_document_error'],
  [42, 'TIFF/F page not found', 'local_document_error'],
  [43, 'TIFF/F format is not compatible', 'local_document_error'],
  [44, 'TIFF/F page number tag missing', 'local_document_error'],
  [45, 'Incorrect values for TIFF/F tags', 'local_document_error'],
  [46, 'Bad TIFF/F header - incorrect values in fields', 'local_document_error'],
  [47, 'Cannot allocate memory for more pages', 'local_document_error'],
  [48, 'Disconnected after permitted retries', 'negotiation_failed'],
  [49, 'The call dropped prematurely', 'call_dropped'],
  [50, 'Poll not accepted', 'feature_refused'],
  [51, 'Ident not accepted', 'feature_refused'],
  [52, 'Sub-address not accepted', 'feature_refused'],
  [53, 'Selective polling address not accepted', 'feature_refused'],
  [54, 'Polled sub-address not accepted', 'feature_refused'],
  [55, 'Sender identification not accepted', 'feature_refused'],
  [56, 'Password not accepted', 'feature_refused'],
  [57, 'Transmitting subscriber internet address not accepted', 'feature_refused'],
  [58, 'Internet routing address not accepted', 'feature_refused'],
  [59, 'Calling subscriber internet address not accepted', 'feature_refused'],
  [60, 'Internet selective polling address not accepted', 'feature_refused'],
  [61, 'Called subscriber internet address not accepted', 'feature_refused'],
];

export const t30Results: ReadonlyMap<number, T30Result> = new Map(
  table.map(([code, text, reasonClass]) => [code, { code, text, reasonClass }]),
);

export interface T30Outcome {
  /** Pages that reached the far end (tx) or were written (rx). */
  pagesTransferred: number;
  /** How many negotiate (phase B) events the fax produced. */
  negotiations: number;
}

/**
 * The reason class of a result, refined by what happened before it: code 48 after pages is a page
 * failure, and a code-49 drop before any negotiation means the far end never acted as a fax.
 */
export function classifyT30Result(code: number, outcome: T30Outcome): T30ReasonClass {
  const base = t30Results.get(code)?.reasonClass ?? 'link_error';
  if (code === 48 && outcome.pagesTransferred > 0) return 'page_transfer_failed';
  if (code === 49 && outcome.negotiations === 0) return 'no_fax_detected';
  return base;
}

/** The exact spandsp text of a code (for the simulator and for messages). */
export function t30Text(code: number): string {
  return t30Results.get(code)?.text ?? `Unknown T.30 result code ${code}`;
}
