/** Who did something, for the audit log. */
export interface Actor {
  userId: number | null;
  /** an email, `token <name>` or `cli (<os user>)` */
  label: string;
  address: string | null;
}

/** Where catalog changes and imports are recorded with the person who made them. */
export interface CatalogAudit {
  record(
    actor: Actor,
    action: 'import' | 'catalog.change',
    what: { subject?: string | null; details?: Record<string, unknown> },
  ): Promise<void>;
}

export const NO_AUDIT: CatalogAudit = { record: async () => {} };
