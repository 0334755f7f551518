import type { QueryView } from '../../projections/documentProjection.js';
import type { FaxResend } from '../api/services/faxResend.js';
import type { FaxSubmission } from '../api/services/faxSubmission.js';

/** What sending from the console needs: the API's own submission service (limits, conversion, events) and the directory. */
export interface ConsoleSendDeps {
  submission: FaxSubmission;
  resend: FaxResend;
  /** The directory read model (tenants and their numbers), as the API's tenancy routes read it. */
  directory: () => QueryView;
}
