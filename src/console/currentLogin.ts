import { credentialsCollections as C, type Login } from '../../projections/credentialsProjection.js';
import type { DocumentView } from '../../projections/documentProjection.js';

/**
 * The login a session was opened with, if it still stands: a password change writes a new (salted)
 * hash, a disable (also what deleting the tenant does) sets the flag, a delete removes the login.
 * The API refuses each from the next request on; a console session ends on its next request too.
 */
export function currentLogin(credentials: () => DocumentView, userId: string, passwordHash: string | undefined): Login | undefined {
  const login = credentials().get<Login>(C.logins, userId);
  return login && !login.disabled && (passwordHash === undefined || login.passwordHash === passwordHash) ? login : undefined;
}
