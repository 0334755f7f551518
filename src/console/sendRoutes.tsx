import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { submitterOf } from '../api/routes/submissionAccess.js';
import { submissionContentOf } from '../api/routes/receiveUploads.js';
import { ConflictError, DomainError, NotFoundError, NotPermittedError, TooLargeError, ValidationError } from '../domain/errors.js';
import type { ConsoleEnv, ConsoleFeature } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import { liveFaxProgress } from './faxProgressLive.js';
import type { AppliedListener } from './liveFaxes.js';
import { senderNumbers } from './senderNumbers.js';
import { sendJs } from './sendJs.js';
import { emptySendValues, SendPage, type SendErrors, type SendValues } from './sendPage.js';
import { receiveSendForm } from './sendUpload.js';

const formFields = ['from', 'to', 'resolution', 'pageSize', 'headerText', 'stationIdent'] as const;
const errorFields = new Set<string>([...formFields, 'file']);

/** Resolves when `ready()` holds after a batch of the projections, or after `timeoutMs` anyway. */
function whenProjected(onApplied: AppliedListener, ready: () => boolean, timeoutMs: number): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = onApplied(() => {
      if (ready()) done();
    });
  });
}

/** A refused submission's message, without the `field: ` prefix the API's problem detail carries. */
const messageOf = (error: DomainError) => error.message.replace(/^[A-Za-z.]+: /, '');

/**
 * Sending from the console (GET/POST /send, through the API's own submission service) and an
 * outbound fax's live progress, cancel and resend. Returns the end of its live streams.
 */
export function sendRoutes(): { feature: ConsoleFeature; close(): void } {
  let closeLive = () => {};
  const feature: ConsoleFeature = (app, { deps, signedIn, csrfChecked, html, visibleFax, notFound }) => {
    const live = liveFaxProgress({ eventStore: deps.eventStore, faxes: deps.faxes, onApplied: deps.onApplied });
    closeLive = () => live.closeAll();
    const send = deps.send;
    const unavailable = (c: Context<ConsoleEnv>) => html(c, <MessagePage title="Sending is not available" message="This server does not send faxes from the console." session={c.get('session')} />, 503);

    app.get('/console/send.js', (c) => c.body(sendJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));

    const showForm = (c: Context<ConsoleEnv>, values: SendValues, errors: SendErrors, status: 200 | 403 | 409 | 413 | 422 = 200) => {
      const session = c.get('session');
      return html(c, <SendPage session={session} senders={senderNumbers(send!.directory(), session.principal)} values={values} errors={errors} limits={send!.submission.fileLimits} idempotencyKey={randomUUID()} />, status);
    };

    app.get('/send', signedIn, (c) => (send ? showForm(c, emptySendValues, {}) : unavailable(c)));

    const refuseUpload = (c: Context<ConsoleEnv>, status: 400 | 413 | 422, message: string) =>
      html(c, <MessagePage title={status === 413 ? 'Documents too large' : 'The fax was not sent'} message={message} session={c.get('session')} />, status);
    const uploads = send ? receiveSendForm(send.submission, refuseUpload) : createMiddleware<ConsoleEnv>((_c, next) => next());

    app.post('/send', signedIn, uploads, csrfChecked, async (c) => {
      if (!send) return unavailable(c);
      const session = c.get('session');
      const form = await c.req.parseBody({ all: true });
      const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
      const values: SendValues = { ...emptySendValues, ...Object.fromEntries(formFields.map((name) => [name, text(name)])) };
      const files = [form.file].flat().filter((file): file is File => file instanceof File);
      const errors: SendErrors = {};
      if (values.from === '') errors.from = 'choose the number to send from';
      if (values.to.trim() === '') errors.to = 'type the number to send to';
      if (files.length === 0) errors.file = 'choose at least one document (PDF, TIFF, PNG or JPEG)';
      if (!['fine', 'standard'].includes(values.resolution)) errors.resolution = 'must be fine or standard';
      if (!['', 'a4', 'letter'].includes(values.pageSize)) errors.pageSize = 'must be A4, Letter or the default';
      if (Object.keys(errors).length > 0) return showForm(c, values, errors, 422);

      const principal = session.principal;
      const key = text('idempotencyKey');
      try {
        const result = await send.submission.submit({
          from: values.from,
          to: values.to,
          resolution: values.resolution as 'fine' | 'standard',
          ...(values.pageSize ? { pageSize: values.pageSize as 'a4' | 'letter' } : {}),
          ...(values.headerText.trim() ? { headerText: values.headerText } : {}),
          ...(values.stationIdent.trim() ? { stationIdent: values.stationIdent } : {}),
          ...(principal.kind === 'user' ? { tenantId: principal.tenantId } : {}),
          submittedBy: submitterOf(principal),
          files: files.map((file) => ({ name: file.name, contentType: file.type, content: submissionContentOf(file) })),
          // A double click or a resent form is the same fax, as an API client's retry with its key.
          ...(/^[\x21-\x7e]{1,255}$/.test(key) ? { idempotencyKey: `console-${key}` } : {}),
        });
        // The fax page reads the fax read model: it shows the fax once the projections have it.
        await whenProjected(deps.onApplied, () => deps.faxes.find(result.faxId) !== undefined, 5_000);
        return c.redirect(`/faxes/${encodeURIComponent(result.faxId)}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const field = error instanceof ValidationError || error instanceof NotPermittedError || error instanceof TooLargeError ? error.field : 'form';
        const status = error instanceof NotPermittedError ? 403 : error instanceof TooLargeError ? 413 : error instanceof ConflictError ? 409 : 422;
        return showForm(c, values, { [errorFields.has(field) ? field : 'form']: errorFields.has(field) ? messageOf(error) : error.message }, status);
      }
    });

    app.get('/faxes/:id/live', signedIn, (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      if (!fax || fax.direction !== 'outbound') return c.text('no such fax', 404);
      return live.stream(c, fax.faxId, session);
    });

    app.post('/faxes/:id/cancel', signedIn, csrfChecked, async (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      if (!fax || fax.direction !== 'outbound' || !send) return notFound(c, session);
      const principal = session.principal;
      try {
        await send.submission.cancel(fax.faxId, principal.kind === 'admin' ? undefined : principal.tenantId, submitterOf(principal));
      } catch (error) {
        if (error instanceof NotFoundError) return notFound(c, session);
        if (error instanceof ConflictError) return html(c, <MessagePage title="Nothing to cancel" message="This fax has already finished: there is nothing to cancel." session={session} />, 409);
        throw error;
      }
      await whenProjected(deps.onApplied, () => ['cancelled', 'sent', 'failed'].includes(deps.faxes.find(fax.faxId)?.status ?? ''), 5_000);
      return c.redirect(`/faxes/${encodeURIComponent(fax.faxId)}`, 303);
    });

    app.post('/faxes/:id/resend', signedIn, csrfChecked, async (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      if (!fax || fax.direction !== 'outbound' || !send) return notFound(c, session);
      const principal = session.principal;
      try {
        const form = await c.req.parseBody({ all: true });
        const key = typeof form.resendKey === 'string' && /^[0-9a-f-]{36}$/.test(form.resendKey) ? form.resendKey : undefined;
        const { faxId } = await send.resend.resend(fax.faxId, principal.kind === 'admin' ? undefined : principal.tenantId, submitterOf(principal), key);
        await whenProjected(deps.onApplied, () => deps.faxes.find(faxId) !== undefined, 5_000);
        return c.redirect(`/faxes/${encodeURIComponent(faxId)}`, 303);
      } catch (error) {
        if (error instanceof NotFoundError) return notFound(c, session);
        if (error instanceof DomainError) {
          const status = error instanceof ConflictError ? 409 : error instanceof NotPermittedError ? 403 : 422;
          return html(c, <MessagePage title="The fax was not resent" message={error.message} session={session} />, status);
        }
        throw error;
      }
    });
  };
  return { feature, close: () => closeLive() };
}
