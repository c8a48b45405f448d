import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';
import { Scope } from '../scope';

/** Staff roles (JWT claim `roles`). ADMIN includes every other role. */
export const ROLES = ['VIEWER', 'EDITOR', 'REVIEWER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes of an API key. */
export const KEY_SCOPES = ['read', 'ingest:interactions', 'ingest:disclosures', 'manage:centres'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/**
 * What a mutation (or an admin query) needs; each Query/Mutation field that is not open to everyone
 * declares one with `@Allow(...)` (src/auth/allow.ts).
 */
export const PERMISSIONS = [
  'items:edit', // create, change, submit, delete draft items; bulk ingest of items
  'items:review', // review, publish, withdraw items
  'interactions:write', // events: create, reply, invalidate, duplicate, reopen, delete; bulk ingest
  'applications:write', // disclosure applications and disputes
  'centres:manage', // centres and their reachability checks
  'officers:manage', // officers and responsible departments
  'units:manage', // moving units (re-drawn divisions)
  'tenant:settings', // calendar, reply rules, categories, inspection scheme of the whole tenant (province-level ADMIN)
  'reports:write', // the free-text sections of annual reports
  'inspection:manage', // inspectors' scores and findings
  'keys:manage', // API keys: create, list, revoke
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  VIEWER: [],
  EDITOR: ['items:edit', 'interactions:write', 'applications:write', 'centres:manage', 'reports:write'],
  REVIEWER: ['items:review'],
  ADMIN: [
    'items:edit', 'items:review', 'interactions:write', 'applications:write', 'centres:manage', 'reports:write',
    'officers:manage', 'units:manage', 'keys:manage', 'tenant:settings', 'inspection:manage',
  ],
};

const SCOPE_PERMISSIONS: Record<KeyScope, Permission[]> = {
  read: [],
  'ingest:interactions': ['interactions:write'],
  'ingest:disclosures': ['items:edit'],
  'manage:centres': ['centres:manage'],
};

/** The unit a staff member or key belongs to (resolved from the database on every request). */
export interface PrincipalUnit {
  tenantId: number;
  tenantCode: string;
  id: string;
  code: string;
  path: string;
  depth: number;
}

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'staff'; sub: string; unit: PrincipalUnit; roles: Role[]; lapsesAt?: number }
  | { kind: 'key'; keyId: string; prefix: string; unit: PrincipalUnit; scopes: KeyScope[] };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** What the principal may do, whatever the unit: the union over its roles or scopes. */
export function permissionsOf(p: Principal): Set<Permission> {
  const out = new Set<Permission>();
  if (p.kind === 'staff') for (const r of p.roles) for (const perm of ROLE_PERMISSIONS[r]) out.add(perm);
  if (p.kind === 'key') for (const s of p.scopes) for (const perm of SCOPE_PERMISSIONS[s]) out.add(perm);
  // Tenant-wide settings belong to the province: an ADMIN of a lower unit may not change them.
  if (p.kind === 'staff' && p.unit.depth !== 0) out.delete('tenant:settings');
  return out;
}

/**
 * The request's scope: the anonymous public sees public rows of every tenant; staff see their
 * tenant, private rows of their unit's subtree and write there; keys see their tenant, private
 * rows of their subtree only with the `read` scope, and write in their subtree.
 */
export function scopeOf(p: Principal): Scope {
  if (p.kind === 'anonymous') return Scope.public();
  if (p.kind === 'staff') return Scope.principal(p.unit.tenantId, p.unit.path, p.unit.path);
  return Scope.principal(p.unit.tenantId, p.scopes.includes('read') ? p.unit.path : null, p.unit.path);
}

/** Who is asking, for logs and records: 'user:<sub>@<unit code>', 'key:<prefix>' or 'anonymous'. */
export function actorOf(p: Principal): string {
  if (p.kind === 'staff') return `user:${p.sub}@${p.unit.code}`;
  if (p.kind === 'key') return `key:${p.prefix}`;
  return 'anonymous';
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
}
