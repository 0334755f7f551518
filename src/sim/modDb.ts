/** mod_db: string values in realms, kept in memory for the simulator's lifetime. */
export class ModDb {
  private readonly realms = new Map<string, Map<string, string>>();

  /** The `db` API: `insert|select|delete|exists|count|list` with `/`-separated arguments. */
  api(args: string): string {
    const [op = '', realm, key, ...rest] = args.trim().split('/');
    const value = rest.join('/');
    const entries = realm === undefined ? undefined : this.realms.get(realm);
    switch (op.toLowerCase()) {
      case 'insert':
        if (realm === undefined || key === undefined || value === '') break;
        if (!this.realms.has(realm)) this.realms.set(realm, new Map());
        this.realms.get(realm)?.set(key, value);
        return '+OK';
      case 'delete':
        if (key === undefined) break;
        entries?.delete(key);
        return '+OK';
      case 'select':
        if (key === undefined) break;
        return entries?.get(key) ?? '';
      case 'exists':
        if (key === undefined) break;
        return entries?.has(key) ? 'true' : 'false';
      case 'count':
        return String(realm === undefined ? this.realms.size : entries?.size ?? 0);
      case 'list':
        return [...(realm === undefined ? this.realms.keys() : entries?.keys() ?? [])].join(',');
    }
    return '-USAGE: db [insert|delete|select|exists|count|list]/<realm>/<key>/<value>';
  }
}
