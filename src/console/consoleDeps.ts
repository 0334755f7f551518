import type { DocumentView } from '../../projections/documentProjection.js';
import type { StatsDocuments } from '../../projections/statsQueries.js';
import type { AccessLog } from '../api/accessLog.js';
import type { Auth } from '../api/auth/authenticate.js';
import type { StationRouteDeps } from '../api/routes/stationRoutes.js';
import type { TenancyRouteDeps } from '../api/routes/tenancyApiDeps.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import type { AccessReadModel } from '../ports/accessReadModel.js';
import type { FaxReadModel } from '../ports/faxReadModel.js';
import type { NotificationReadModel } from '../ports/notificationReadModel.js';
import type { PageImages } from '../ports/pageImages.js';
import type { AppliedListener } from './liveFaxes.js';
import type { ConsoleSendDeps } from './sendDeps.js';

/** Everything the console needs: read models, the API's auth (for sign-in) and its commands; never an adapter. */
export interface ConsoleDeps {
  faxes: FaxReadModel;
  eventStore: EventStore;
  documents: DocumentStore;
  /** Page thumbnails and large views (the API's cache); without it the fax page lists no images. */
  pageImages?: PageImages;
  auth: Auth;
  /** The credentials read model (the API's): a session ends with its user's login. */
  credentials: () => DocumentView;
  clock: Clock;
  /** Called after the projections applied a batch, with the names of those that changed. */
  onApplied: AppliedListener;
  /** The statistics read model's key-range reads (the API's, for `/stats`); without it the page says so. */
  stats?: StatsDocuments;
  /** A tenant's name (the directory's), to label its statistics; an unknown or deleted one is shown by id. */
  tenantName?: (tenantId: string) => string | undefined;
  /** Resolves once the read models include the event at this position: a command's next page shows its effect. */
  settle?: (position: number) => Promise<void>;
  /** `console.sessionIdleTimeout` in ms. */
  sessionIdleTimeoutMs: number;
  /** `auth.trustedProxies`: whose X-Forwarded-Proto is believed for the cookie's Secure flag. */
  trustedProxies?: readonly string[];
  /** Administration: the API's tenancy commands and directory read model. */
  tenancy: Pick<TenancyRouteDeps, 'commands' | 'directory' | 'verifyPassword'>;
  /** The stations read model and its settle (as the API's station routes get them), for the T.38 fallback page. */
  stations: Pick<StationRouteDeps, 'stations' | 'settle'>;
  /** The notifications read model, for the dead letters page. */
  notifications: NotificationReadModel;
  /** The access trail: fax pages, documents and page images shown are reported to it (absent: `records.accessTrail` off). */
  access?: AccessLog;
  /** The access trail's queries: the fax page's "Who opened it" (absent: the page has no such list). */
  accessTrail?: AccessReadModel;
  /** Sending, cancelling and resending from the console; without it /send says sending is not available. */
  send?: ConsoleSendDeps;
}
