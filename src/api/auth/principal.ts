/** Who is calling: the platform admin, or one tenant's user. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'user'; userId: string; tenantId: string; username: string; apiKeyId: string | null };

export type AuthEnv = { Variables: { principal: Principal } };
