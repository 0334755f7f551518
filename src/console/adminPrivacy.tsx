import type { NotifyDocument } from '../domain/tenancy/types.js';
import { fieldMatches, type FormFailure, type FormValues } from './adminKit.js';

/** The privacy options as form fields: a tenant's (`settings.notifyDocument`, `settings.storeNothing`) or a number's (with "as the tenant"). */
export const privacyFieldNames = (prefix: '' | 'settings.') => [`${prefix}notifyDocument`, `${prefix}storeNothing`] as const;

const documentChoices: Array<[NotifyDocument, string]> = [
  ['attach', 'The fax itself (attached / linked)'],
  ['link', 'Only a link to the console (sign-in)'],
];
const storeChoices: Array<[string, string]> = [
  ['false', 'Keep received faxes'],
  ['true', 'Store nothing: purge once delivered'],
];

/**
 * Two selects: what notifications carry, and store-nothing. `inherit` (a number) adds an "as the
 * tenant" choice, sent as an empty value (the API's null). Refused, the typed value stays selected
 * and the message is tied to the select.
 */
export function PrivacyFields(props: { form: string; prefix: '' | 'settings.'; notifyDocument: NotifyDocument | null; storeNothing: boolean | null; inherit?: { notifyDocument: NotifyDocument; storeNothing: boolean }; failed?: FormFailure | undefined; label?: string }) {
  const { inherit } = props;
  const documents: Array<[string, string]> = [...(inherit ? [['', `As the tenant (${inherit.notifyDocument})`] as [string, string]] : []), ...documentChoices];
  const stores: Array<[string, string]> = [...(inherit ? [['', `As the tenant (${inherit.storeNothing ? 'store nothing' : 'keep'})`] as [string, string]] : []), ...storeChoices];
  return (
    <>
      <Choice form={props.form} name={`${props.prefix}notifyDocument`} label={`Notifications of received faxes carry${props.label ?? ''}`} choices={documents} value={props.notifyDocument ?? ''} failed={props.failed} />
      <Choice form={props.form} name={`${props.prefix}storeNothing`} label={`Received faxes${props.label ?? ''}`} choices={stores} value={props.storeNothing === null ? '' : String(props.storeNothing)} failed={props.failed} />
    </>
  );
}

function Choice(props: { form: string; name: string; label: string; choices: Array<[string, string]>; value: string; failed?: FormFailure | undefined }) {
  const id = `${props.form}-${props.name.replace(/\W/g, '-')}`;
  const mine = props.failed?.form === props.form ? props.failed : undefined;
  const invalid = mine !== undefined && fieldMatches(mine.field, props.name);
  const value = mine ? (mine.values[props.name] ?? '') : props.value;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={invalid ? 'true' : undefined} aria-describedby={invalid ? `${id}-error` : undefined}>
        {props.choices.map(([option, text]) => (
          <option value={option} selected={option === value}>
            {text}
          </option>
        ))}
      </select>
      {invalid && (
        <span class="error" id={`${id}-error`}>
          {mine.message}
        </span>
      )}
    </div>
  );
}

/** The form's privacy values as the API takes them: left out when the form had no such field; blank is null (a number's "as the tenant"). */
export function privacyInput(values: FormValues, prefix: '' | 'settings.'): { notifyDocument?: string | null; storeNothing?: boolean | string | null } {
  const document = values[`${prefix}notifyDocument`];
  const store = values[`${prefix}storeNothing`];
  return {
    ...(document === undefined ? {} : { notifyDocument: document === '' ? null : document }),
    ...(store === undefined ? {} : { storeNothing: store === '' ? null : store === 'true' ? true : store === 'false' ? false : store }),
  };
}
