import type { CallPurpose, FaxRoutedData } from './deliveryPlan.js';
import type { T30ReasonClass } from './t30Results.js';

/** What FreeSWITCH reported about a call when it reached us, before any decision. */
export interface CallOffer {
  callUuid: string;
  /** Caller number as signalled (Caller-Caller-ID-Number). */
  callerNumber: string;
  callerName?: string;
  /** SIP To user (the dialled number as the carrier sent it). */
  toUser?: string;
  /** Raw SIP Diversion header, when the call was forwarded to us. */
  diversion?: string;
  /** Where the SIP INVITE came from (sip_network_ip). */
  sourceIp?: string;
  /** FreeSWITCH gateway the call arrived on (sip_gateway), if any. */
  gatewayName?: string;
  /** The configured FreeSWITCH node that has the call (restart reconciliation asks it); absent before nodes, or when unknown. */
  node?: string;
}

export type T38Status = 'off' | 'negotiated' | 'requested' | 'refused';
export type RejectionReason = 'unknown_source' | 'unknown_number' | 'no_recipient' | 'no_route_out';

/** Events of an inbound fax's `fax-<faxId>` stream, in the order they usually happen. */
export type InboundFaxEvent =
  | {
      type: 'FaxCallOffered';
      data: CallOffer & { faxId: string; direction: 'inbound'; offeredAt: string };
    }
  | {
      type: 'FaxCallRejected';
      /** 401 only in events recorded before unknown sources got 403. */
      data: { faxId: string; callUuid: string; sipCode: 401 | 403 | 404 | 503; reason: RejectionReason; detail: string };
    }
  | {
      type: 'FaxCallAnswered';
      data: {
        faxId: string;
        callUuid: string;
        tenantId: string;
        /** Dialled number in E.164 (an outside number when `purpose` is `outbound-relay`). */
        recipient: string;
        /** Absent for a fax to one of our numbers; `outbound-relay` for a PBX's fax to an outside number. */
        purpose?: CallPurpose;
        /** Outbound relay only: the PBX caller's number, E.164 when it reads as one. */
        sender?: string;
        sourceGateway: string;
        t38Enabled: boolean;
        t38Requested: boolean;
        /** Why T.38 is on or off (gateway kind, station fallback, configuration). */
        t38Policy: string;
        stationIdent?: string;
        pageHeader?: string;
        answeredAt: string;
      };
    }
  | {
      type: 'FaxNegotiated';
      data: {
        faxId: string;
        callUuid: string;
        negotiation: number;
        transferRate: number;
        ecm: boolean;
        t38Status: T38Status;
        remoteIdent?: string;
        localIdent?: string;
      };
    }
  | {
      type: 'FaxPageTransferred';
      data: {
        faxId: string;
        callUuid: string;
        page: number;
        /** Horizontal × vertical resolution in dots per inch, rounded (204×196 is fine). */
        resolution: string;
        badRows: number;
        longestBadRowRun: number;
        encoding: string;
        imageBytes: number;
      };
    }
  | {
      type: 'FaxReceived';
      data: {
        faxId: string;
        callUuid: string;
        tenantId: string;
        pages: number;
        documentId: string;
        resultCode: number;
        resultText: string;
        t38Status: T38Status;
        transferRate: number;
        remoteIdent?: string;
        receivedAt: string;
      };
    }
  | {
      type: 'FaxReceiveFailed';
      data: {
        faxId: string;
        callUuid: string;
        tenantId: string;
        resultCode: number;
        resultText: string;
        reasonClass: T30ReasonClass | 'storage_failed';
        hangupCause?: string;
        pagesReceived: number;
        /** Set when at least one page arrived: the partial document is kept and delivered as partial. */
        documentId?: string;
        partial: boolean;
        t38Status: T38Status;
        negotiations: number;
        badRows: number;
        failedAt: string;
      };
    }
  | {
      /** The call's fate is unknown to us: the event socket dropped or faxengine restarted mid-fax. */
      type: 'FaxReceiveInterrupted';
      data: {
        faxId: string;
        callUuid: string;
        tenantId: string;
        reason: 'connection_lost' | 'restart';
        pagesReceived: number;
        /** Whatever had been written is kept. */
        documentId?: string;
        interruptedAt: string;
      };
    }
  | { type: 'FaxRouted'; data: FaxRoutedData }
  | {
      /** A bridged call ended; success is judged by the hangup cause, as the far end's fax result is not ours to see. */
      type: 'FaxBridged';
      data: {
        faxId: string;
        callUuid: string;
        tenantId: string;
        recipient: string;
        gateway: string;
        t38Enabled: boolean;
        success: boolean;
        hangupCause: string;
        answeredAt?: string;
        endedAt: string;
      };
    }
  | {
      type: 'FaxCallEnded';
      data: { faxId: string; callUuid: string; hangupCause: string; endedAt: string };
    };

export type InboundFaxEventType = InboundFaxEvent['type'];

// A record, so that the compiler insists on every type of the union above.
const inboundTypes: Record<InboundFaxEventType, true> = {
  FaxCallOffered: true,
  FaxCallRejected: true,
  FaxCallAnswered: true,
  FaxNegotiated: true,
  FaxPageTransferred: true,
  FaxReceived: true,
  FaxReceiveFailed: true,
  FaxReceiveInterrupted: true,
  FaxRouted: true,
  FaxBridged: true,
  FaxCallEnded: true,
};

/** Every inbound event type, at run time. */
export const inboundFaxEventTypes = Object.keys(inboundTypes) as InboundFaxEventType[];
