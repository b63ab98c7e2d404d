/** Reference data: agencies, categories (lĩnh vực), localities. Versioned with validFrom/validTo. */
export interface Agency {
  id: string;
  name: string;
  level: 'province' | 'commune';
  /** `coordinator` = VPUB, `leadership` = UBND tỉnh leaders. */
  role?: 'coordinator' | 'leadership';
  /** A central agency's provincial branch (thuế, BHXH, công an). */
  vertical?: boolean;
  /** Commune of a commune-level UBND. */
  locality?: string;
  headEmail?: string;
  focalEmail?: string;
  predecessors?: string[];
  successors?: string[];
  validFrom?: string;
  validTo?: string;
}

export interface Category {
  code: string;
  name: string;
  /** Default handling agency. */
  agency: string;
  /** Handled at commune level when a locality is given. */
  communeLevel: boolean;
}

export interface Locality {
  code: string;
  name: string;
}

export const isActiveAgency = (a: Agency, onDate: string): boolean =>
  (!a.validFrom || a.validFrom <= onDate) && (!a.validTo || onDate < a.validTo);
