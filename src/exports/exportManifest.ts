/** The archive format's name and version, first in every manifest. */
export const exportFormat = 'faxengine-export/1';

export const manifestPath = 'manifest.json';
export const signaturePath = 'manifest.sig';

/** A file of the archive as the manifest records it. */
export interface ManifestFile {
  path: string;
  size: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
  /**
   * For an `events.json`: each event line's SHA-256 (the line without its trailing comma), so a
   * verifier names the event that was changed, not only the file.
   */
  events?: Array<{ revision: number; id: string; type: string; sha256: string }>;
}

export type ExportScope = { kind: 'fax'; faxId: string } | { kind: 'tenant'; tenantId: string; since: string | null; until: string };

export type ExportedBy = { kind: 'admin' } | { kind: 'user'; userId: string; username: string; tenantId: string; apiKeyId: string | null };

/** One fax of the export, for readers: what it is and which files hold it. */
export interface ManifestFax {
  faxId: string;
  tenantId: string | null;
  direction: 'inbound' | 'outbound';
  status: string;
  createdAt: string;
  events: number;
  documentId: string | null;
  /** Why the fax's document is not in the archive although the fax names one. */
  documentUnavailable?: string;
}

/** `manifest.json`: what the export holds and why it exists; `manifest.sig` signs its exact bytes. */
export interface ExportManifest {
  format: typeof exportFormat;
  exportedAt: string;
  exportedBy: ExportedBy;
  scope: ExportScope;
  faxengine: { version: string };
  key: { algorithm: 'Ed25519'; keyId: string };
  faxes: ManifestFax[];
  files: ManifestFile[];
}
