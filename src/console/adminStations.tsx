import type { StationState } from '../domain/fax/stationKnowledge.js';
import { createStationFallback } from '../api/services/stationFallback.js';
import { AdminPage, CsrfField, actorOf, adminOnly } from './adminKit.js';
import type { ConsoleFeature } from './consoleKit.js';
import { shortTime } from './format.js';
import type { ConsoleSession } from './sessions.js';

const pageSize = 100;

function StationsPage({ items, nextCursor, session }: { items: readonly StationState[]; nextCursor: string | null; session: ConsoleSession }) {
  return (
    <AdminPage title="Stations" section="/admin/stations" session={session}>
      <p>Remote fax stations faxengine learned about: after T.38 trouble a station is called with audio (G.711) until enough clean audio faxes, or until you switch it back.</p>
      {items.length === 0 ? (
        <p>No stations yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Station</th>
              <th scope="col">Calls use</th>
              <th scope="col">T.38 troubles</th>
              <th scope="col">Clean audio faxes</th>
              <th scope="col">Last change</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {items.map((station) => (
              <tr id={`station-${station.station.replace(/\W/g, '')}`}>
                <td data-label="Station">{station.station}</td>
                <td data-label="Calls use">{station.needsAudio ? 'audio (T.38 fallback)' : 'T.38'}</td>
                <td data-label="T.38 troubles">{station.troubles}</td>
                <td data-label="Clean audio faxes">{station.cleanAudioFaxes}</td>
                <td data-label="Last change">{station.lastChangeAt ? `${shortTime(station.lastChangeAt)}: ${station.lastChangeReason ?? ''}` : ''}</td>
                <td data-label="Change">
                  <form method="post" action={`/admin/stations/${encodeURIComponent(station.station)}/${station.needsAudio ? 'switch-back' : 'use-audio'}`} class="inline">
                    <CsrfField session={session} />
                    <button type="submit">{station.needsAudio ? `Switch ${station.station} back to T.38` : `Use audio with ${station.station}`}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <p>
          <a href={`/admin/stations?cursor=${encodeURIComponent(nextCursor)}`}>Next stations</a>
        </p>
      )}
    </AdminPage>
  );
}

/** The T.38 fallback state per station, and the admin's word on it (the API's station command, recorded as the admin's). */
export const adminStations: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const admin = adminOnly(kit);
  const fallback = createStationFallback({ ...deps.stations, eventStore: deps.eventStore, clock: deps.clock });

  app.get('/admin/stations', signedIn, admin, (c) => {
    const page = deps.stations.stations.list(pageSize, c.req.query('cursor') || undefined);
    return html(c, <StationsPage items={page.items} nextCursor={page.nextCursor} session={c.get('session')} />);
  });
  for (const [action, type, reason] of [
    ['switch-back', 'StationFallbackCleared', 'cleared by an administrator'],
    ['use-audio', 'StationFallbackEnabled', 'set by an administrator'],
  ] as const) {
    app.post(`/admin/stations/:number/${action}`, signedIn, admin, csrfChecked, async (c) => {
      const session = c.get('session');
      // The list links stations by their E.164 key, as the read model stores them.
      const station = c.req.param('number');
      if (!deps.stations.stations.state(station)) {
        return html(c, <AdminPage title="Station not found" section="/admin/stations" session={session}><p class="notice" role="alert">faxengine knows nothing about station {c.req.param('number')}.</p></AdminPage>, 404);
      }
      await fallback.change(station, type, reason, actorOf(session));
      return c.redirect('/admin/stations', 303);
    });
  }
};
