import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import { problemFor } from '../api/problem.js';
import { validationHook } from '../api/routes/openapiHelpers.js';
import type { EventMetadata } from '../ports/eventStore.js';
import type { ConsoleEnv, ConsoleKit } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './sessions.js';

/** The raw values of a submitted form, kept to fill the form again when it is refused. */
export type FormValues = Record<string, string>;

/** A refused form: which form, the API's status and words (`field: what is wrong`), and what was typed. */
export interface FormFailure {
  form: string;
  status: 403 | 404 | 409 | 422;
  field?: string | undefined;
  message: string;
  values: FormValues;
}

/** Admin pages answer anyone else with a 403 page (tenant users manage nothing of the directory through the API either). */
export function adminOnly(kit: ConsoleKit) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const session = c.get('session');
    if (session.principal.kind !== 'admin') {
      return kit.html(c, <MessagePage title="Not allowed" message="Administration is for the platform administrator only." session={session} />, 403);
    }
    await next();
  });
}

/** Who gave a command from the console, recorded in each event's metadata. */
export function actorOf(session: ConsoleSession): EventMetadata {
  const principal = session.principal;
  return principal.kind === 'admin' ? { actor: 'console', by: 'admin' } : { actor: 'console', by: `user:${principal.username}`, userId: principal.userId, tenantId: principal.tenantId };
}

/** The submitted form's fields (first value of each), without the CSRF token. */
export async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const values: FormValues = {};
  for (const [key, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (key !== 'csrf' && typeof first === 'string') values[key] = first;
  }
  return values;
}

/** A blank field is left out (the API's "keep" or default), anything else trimmed. */
export const optional = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
/** A blank field clears the value (the API's `null`). */
export const nullable = (value: string | undefined) => optional(value) ?? null;
/** A number field: digits become a number, anything else goes to the API's check as it is (so it is refused in its words). */
export const integer = (value: string | undefined) => {
  const text = optional(value);
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text;
};
/** A list typed with commas or spaces. */
export const list = (value: string | undefined) => (optional(value)?.split(/[\s,]+/).filter(Boolean) ?? []);

/**
 * Checks the input with the API's own zod schema (refused in the same words, naming the field),
 * then gives the command; a domain refusal maps to its status as the API's `onError` does.
 */
export async function attempt<S extends z.ZodType, R>(
  form: string,
  values: FormValues,
  schema: S,
  input: unknown,
  command: (valid: z.output<S>) => Promise<R>,
): Promise<{ ok: R } | { failed: FormFailure }> {
  try {
    const parsed = schema.safeParse(input);
    if (!parsed.success) validationHook(parsed as Parameters<typeof validationHook>[0]);
    return { ok: await command(parsed.data as z.output<S>) };
  } catch (error) {
    const problem = problemFor(error);
    if (problem.status !== 403 && problem.status !== 404 && problem.status !== 409 && problem.status !== 422) throw error;
    return { failed: { form, status: problem.status, field: typeof problem.field === 'string' ? problem.field : undefined, message: problem.detail ?? problem.title, values } };
  }
}

/** Whether an error's field (`gateway`, `target.sourceIps.0`, `settings.faxIdent`) is the input named `name`. */
export function fieldMatches(errorField: string | undefined, name: string): boolean {
  if (!errorField) return false;
  const field = errorField.replace(/(\.\d+)+$/, '');
  return field === name || name.endsWith(`.${field}`) || field.startsWith(`${name}.`);
}

/** One labelled input; when its form was refused for this field, the message is shown beside it and tied to it. */
export function Field(props: { form: string; name: string; label: string; value?: string | undefined; failed?: FormFailure | undefined; type?: string; required?: boolean; hint?: string; autocomplete?: string }) {
  const id = `${props.form}-${props.name.replace(/\W/g, '-')}`;
  const mine = props.failed?.form === props.form ? props.failed : undefined;
  const invalid = mine !== undefined && fieldMatches(mine.field, props.name);
  const value = mine ? (mine.values[props.name] ?? '') : (props.value ?? '');
  const described = [invalid ? `${id}-error` : undefined, props.hint ? `${id}-hint` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? 'text'} value={props.type === 'password' ? '' : value} required={props.required} autocomplete={props.autocomplete} aria-invalid={invalid ? 'true' : undefined} aria-describedby={described} />
      {props.hint && (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {invalid && (
        <span class="error" id={`${id}-error`}>
          {mine.message}
        </span>
      )}
    </div>
  );
}

/** A refusal that names no field of this form (a conflict, a missing object) is shown above it. */
export function FormError({ form, failed, fields }: { form: string; failed?: FormFailure | undefined; fields: readonly string[] }) {
  if (failed?.form !== form) return null;
  const onField = fields.some((name) => fieldMatches(failed.field, name));
  return (
    <p class="error" role="alert">
      {onField ? `Not saved: ${failed.message}` : failed.message}
    </p>
  );
}

export const CsrfField = ({ session }: { session: ConsoleSession }) => <input type="hidden" name="csrf" value={session.csrfToken} />;

const sections = [
  { href: '/admin', label: 'Tenants' },
  { href: '/admin/endpoints', label: 'Gateways and endpoints' },
  { href: '/admin/stations', label: 'Stations' },
  { href: '/admin/notifications', label: 'Dead letters' },
];

/** An administration page: the console frame, the section links, one h1. */
export function AdminPage(props: { title: string; section: string; session: ConsoleSession; children?: Child }) {
  return (
    <Layout title={props.title} session={props.session} current="/admin">
      <nav aria-label="Administration" class="admin-nav">
        <ul>
          {sections.map((item) => (
            <li>
              <a href={item.href} aria-current={props.section === item.href ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}
