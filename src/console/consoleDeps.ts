import type { DocumentView } from '../../projections/documentProjection.js';
import type { Auth } from '../api/auth/authenticate.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import type { FaxReadModel } from '../ports/faxReadModel.js';
import type { PageImages } from '../ports/pageImages.js';
import type { AppliedListener } from './liveFaxes.js';

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
  /** Resolves once the read models include the event at this position: a command's next page shows its effect. */
  settle?: (position: number) => Promise<void>;
  /** `console.sessionIdleTimeout` in ms. */
  sessionIdleTimeoutMs: number;
  /** `auth.trustedProxies`: whose X-Forwarded-Proto is believed for the cookie's Secure flag. */
  trustedProxies?: readonly string[];
}
