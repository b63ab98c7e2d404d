/** Who is acting: a signed-in user (claims from the JWT) or the system itself. */
export const ROLES = ['operator', 'coordinator', 'officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** `sub` claim, or `system` / `citizen` / `vpcp` for non-user actors. */
  id: string;
  name: string;
  roles: Role[];
  /** Agency of an officer (`custom:agencyId`). */
  agencyId?: string;
}

export const SYSTEM: Actor = { id: 'system', name: 'Hệ thống', roles: [] };
export const CITIZEN: Actor = { id: 'citizen', name: 'Người gửi', roles: [] };
export const VPCP: Actor = { id: 'vpcp', name: 'Hệ thống PAKN quốc gia', roles: [] };

export const hasRole = (a: Actor, ...roles: Role[]): boolean => roles.some((r) => a.roles.includes(r));
