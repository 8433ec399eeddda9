import type { Actor } from '../auth/auth.types.ts';

export type { Actor };

/** Where catalog changes and imports are recorded with the person who made them. */
export interface CatalogAudit {
  record(
    actor: Actor,
    action: 'import' | 'catalog.change',
    what: { subject?: string | null; details?: Record<string, unknown> },
  ): Promise<void>;
}

export const NO_AUDIT: CatalogAudit = { record: async () => {} };
