import type { Role } from '@bulkhead/contracts';

/**
 * What each role may do in the dashboard. The API decides (and refuses anyway); this only keeps
 * people from seeing buttons that would fail. Mirrors the API's `@RequireRole` on each route.
 */
export type Action =
  | 'map.review'
  | 'map.declare'
  | 'flows.upload'
  | 'clusters.add'
  | 'clusters.edit'
  | 'clusters.credentials'
  | 'clusters.remove'
  | 'inventory.import'
  | 'flowSources.manage'
  | 'namespaces.tier'
  | 'users.manage'
  | 'webhooks.manage'
  | 'plans.create'
  | 'rollouts.create'
  | 'rollouts.control'
  | 'rollouts.approve'
  | 'drift.act';

const NEEDS: Record<Action, Role | readonly Role[]> = {
  'map.review': 'operator',
  'map.declare': 'operator',
  'flows.upload': 'operator',
  'clusters.add': 'operator',
  'clusters.edit': 'operator',
  'clusters.credentials': 'admin',
  'clusters.remove': 'admin',
  'inventory.import': 'operator',
  'flowSources.manage': 'operator',
  'namespaces.tier': ['operator', 'approver'],
  'users.manage': 'admin',
  'webhooks.manage': 'admin',
  'plans.create': 'operator',
  'rollouts.create': 'operator',
  'rollouts.control': 'operator',
  'rollouts.approve': 'approver',
  'drift.act': 'operator',
};

/** The API's roleAllows: roles are not a ladder. Admin is everything, anyone signed in reads, operator and approver are separate powers. */
export function roleAllows(role: string, required: Role): boolean {
  if (role === 'admin' || required === 'viewer') return true;
  return role === required;
}

export function can(role: string | undefined, action: Action): boolean {
  const needs = NEEDS[action];
  return role !== undefined && (typeof needs === 'string' ? [needs] : needs).some((required) => roleAllows(role, required));
}

export const ROLE_HINT: Record<Role, string> = {
  viewer: 'reads everything',
  operator: 'changes the inventory and the map',
  approver: 'approves rollout stages',
  admin: 'everything, and users',
};
