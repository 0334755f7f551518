import type { NumberView } from '../../projections/directoryModel.js';
import type { TenantSettings } from '../domain/tenancy/types.js';
import { CsrfField, Field, FormError, type FormFailure } from './adminKit.js';
import { PrivacyFields, privacyFieldNames } from './adminPrivacy.js';
import type { ConsoleSession } from './sessions.js';

export const numberFields = ['number', 'displayName', 'stationIdent', ...privacyFieldNames('')] as const;

/** A tenant's fax numbers: each with its station ident and privacy options (editable) and a release button; a form to add one. */
export function NumbersSection({ tenantId, numbers, session, failed, tenantPrivacy }: { tenantId: string; numbers: readonly NumberView[]; session: ConsoleSession; failed?: FormFailure | undefined; tenantPrivacy: Pick<TenantSettings, 'notifyDocument' | 'storeNothing'> }) {
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}/numbers`;
  return (
    <section aria-labelledby="numbers-heading">
      <h2 id="numbers-heading">Numbers</h2>
      {numbers.length === 0 ? (
        <p>No numbers yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Name, station ident and privacy</th>
              <th scope="col">Release</th>
            </tr>
          </thead>
          <tbody>
            {numbers.map((number) => {
              const form = `number-${number.id}`;
              return (
                <tr>
                  <td data-label="Number">{number.number}</td>
                  <td data-label="Name, station ident and privacy">
                    <form method="post" action={`${base}/${encodeURIComponent(number.id)}`} class="row-form">
                      <CsrfField session={session} />
                      <FormError form={form} failed={failed} fields={numberFields} />
                      <Field form={form} name="displayName" label={`Name of ${number.number}`} value={number.displayName ?? ''} failed={failed} />
                      <Field form={form} name="stationIdent" label={`Station ident of ${number.number}`} value={number.stationIdent ?? ''} failed={failed} />
                      <PrivacyFields form={form} prefix="" notifyDocument={number.notifyDocument} storeNothing={number.storeNothing} inherit={tenantPrivacy} failed={failed} label={` (${number.number})`} />
                      <button type="submit" aria-label={`Save ${number.number}`}>
                        Save
                      </button>
                    </form>
                  </td>
                  <td data-label="Release">
                    <form method="post" action={`${base}/${encodeURIComponent(number.id)}/release`} class="inline">
                      <CsrfField session={session} />
                      <button type="submit" class="danger" aria-label={`Release ${number.number}`}>
                        Release
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form method="post" action={base} class="admin-form">
        <h3>Add a number</h3>
        <CsrfField session={session} />
        <FormError form="number-new" failed={failed} fields={numberFields} />
        <Field form="number-new" name="number" label="Number" required hint="Any format; stored as E.164" failed={failed} />
        <Field form="number-new" name="displayName" label="Name (optional)" failed={failed} />
        <Field form="number-new" name="stationIdent" label="Station ident (optional)" hint="At most 20 printable ASCII characters" failed={failed} />
        <button type="submit">Add number</button>
      </form>
    </section>
  );
}
