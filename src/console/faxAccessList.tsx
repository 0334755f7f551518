import type { AccessView } from '../ports/accessReadModel.js';
import { preciseTime } from './format.js';

const whatInWords: Record<AccessView['what']['kind'], string> = {
  pdf: 'the PDF',
  tiff: 'the TIFF',
  pageImage: 'a page image',
  history: 'the history',
  faxPage: 'this page',
  export: 'an export',
};

function who(entry: AccessView): string {
  const reader = entry.reader;
  if (reader.kind === 'admin') return 'the admin';
  if (reader.kind === 'link') return 'a signed link';
  return `${reader.username}${reader.credential === 'apiKey' ? ' (API key)' : ''}`;
}

function what(entry: AccessView): string {
  const item = entry.what;
  if (item.kind === 'pageImage') return `page ${item.page} (${item.size === 'thumb' ? 'thumbnail' : 'large'})`;
  if (item.kind === 'history' && item.signed) return 'the signed history';
  if (item.kind === 'export') return item.scope.kind === 'tenant' ? "the tenant's export" : 'an export of this fax';
  return whatInWords[item.kind];
}

/** "Who opened it": the last reads of this fax from the access trail (README: Access trail). */
export function FaxAccessList({ entries }: { entries: readonly AccessView[] }) {
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Who opened it</h2>
      {entries.length === 0 ? (
        <p>No one has opened this fax's document or history yet.</p>
      ) : (
        <table class="access">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr data-entry={entry.entryId}>
                <td>
                  <time datetime={entry.at}>{preciseTime(entry.at)}</time>
                </td>
                <td>{who(entry)}</td>
                <td>{what(entry)}</td>
                <td>
                  {entry.from.address} ({entry.from.via})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
