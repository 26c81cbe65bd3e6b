import { z } from 'zod';

/** Roles in increasing order of power: each includes everything the ones before it may do. */
export const roles = ['viewer', 'member', 'manager', 'admin', 'owner'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(minimum);
}
