/** The vault record and the wrapped key material it opens (0001_initial). */

export interface VaultTable {
  id: string;
  record: string;
  is_demo: number;
  created_at: string;
}

export interface KeyMaterialTable {
  id: string;
  kind: string;
  domain: string | null;
  version: number;
  wrapped: string;
  public_key: string | null;
  status: string;
  created_at: string;
}
