import type { EslEvent, EventFormat } from './eslEvent.js';

/** Body of every normal disconnect notice: 67 bytes (reference §1.2). */
export const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

export const authRequestFrame = (): string => 'Content-Type: auth/request\n\n';

/** Command replies carry no Content-Length; extra headers follow Reply-Text (reference §1.2). */
export function commandReplyFrame(replyText: string, extra: Array<[string, string]> = []): string {
  let out = `Content-Type: command/reply\nReply-Text: ${replyText}\n`;
  for (const [name, value] of extra) out += `${name}: ${value}\n`;
  return out + '\n';
}

/** api/response: Content-Type first, then Content-Length; never an empty body (reference §1.2). */
export function apiResponseFrame(output: string): string {
  const body = output === '' ? '-ERR no reply\n' : output;
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

const CONTENT_TYPES: Record<EventFormat, string> = {
  plain: 'text/event-plain',
  json: 'text/event-json',
  xml: 'text/event-xml',
};

/**
 * Events: Content-Length comes before Content-Type (reference §1.2, §7 item 1). The frame is
 * encoded once per format and shared by every connection that receives the event.
 */
export function eventFrame(event: EslEvent, format: EventFormat): Buffer {
  return event.frame(format, (payload) =>
    Buffer.from(`Content-Length: ${Buffer.byteLength(payload)}\nContent-Type: ${CONTENT_TYPES[format]}\n\n${payload}`),
  );
}

export const inboundDisconnectFrame = (body = DISCONNECT_BODY): string =>
  `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;

export const outboundDisconnectFrame = (sessionUuid: string): string =>
  'Content-Type: text/disconnect-notice\n' +
  `Controlled-Session-UUID: ${sessionUuid}\n` +
  'Content-Disposition: disconnect\n' +
  `Content-Length: ${Buffer.byteLength(DISCONNECT_BODY)}\n\n${DISCONNECT_BODY}`;

/** Sent when the controlled channel hangs up on a lingering outbound socket (reference §1.2). */
export const lingerNoticeFrame = (sessionUuid: string, channelName: string, lingerSeconds: number): string =>
  'Content-Type: text/disconnect-notice\n' +
  `Controlled-Session-UUID: ${sessionUuid}\n` +
  'Content-Disposition: linger\n' +
  `Channel-Name: ${channelName}\n` +
  `Linger-Time: ${lingerSeconds}\n` +
  'Content-Length: 0\n\n';
