import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Scope } from '../../scope';
import { UUID_RE } from '../units/unit.repository';
import { ApiKey } from './api-key.entity';
import type { PrincipalUnit } from '../../auth/principal';
import { mapRows } from '../../db/rows';

const COLUMNS = ['tenant_id', 'id', 'unit_id', 'name', 'prefix', 'hash', 'scopes', 'created_by', 'created_at', 'revoked_at', 'last_used_at'];

/** A key found by prefix and hash, with its unit. */
export interface KeyMatch {
  id: string;
  prefix: string;
  scopes: string[];
  unit: PrincipalUnit;
}

/** All SQL over `api_key`. Reads apply the request's scope (keys are private rows of their unit). */
export class ApiKeyRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private map(rows: Record<string, unknown>[]): ApiKey[] {
    return mapRows(this.em, ApiKey, rows);
  }

  async list(includeRevoked: boolean): Promise<ApiKey[]> {
    const qb = this.knex().select(COLUMNS.map((c) => `k.${c}`)).from({ k: 'api_key' }).orderBy([{ column: 'k.created_at', order: 'desc' }, { column: 'k.id' }]);
    if (!includeRevoked) qb.whereNull('k.revoked_at');
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'k', 'unit_id', 'private')));
  }

  async insert(k: { tenantId: number; id: string; unitId: string; name: string; prefix: string; hash: string; scopes: string[]; createdBy: string }): Promise<ApiKey> {
    const rows = await this.em.execute(
      this.knex()
        .insert({ tenant_id: k.tenantId, id: k.id, unit_id: k.unitId, name: k.name, prefix: k.prefix, hash: k.hash, scopes: this.knex().raw(`array[${k.scopes.map(() => '?').join(', ')}]::text[]`, k.scopes), created_by: k.createdBy })
        .into('api_key')
        .returning(COLUMNS),
    );
    return this.map(rows)[0];
  }

  /** Revokes a key the scope may touch; null when there is none (or it is not visible). */
  async revoke(id: string): Promise<ApiKey | null> {
    if (!UUID_RE.test(id)) return null;
    const qb = this.knex()('api_key as k').where('k.id', id).update({ revoked_at: this.knex().raw('coalesce(k.revoked_at, now())') }).returning(COLUMNS);
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'k', 'unit_id')))[0] ?? null;
  }

  /**
   * The live key with this prefix and hash, with its unit, in one statement; it also records the
   * use (at most once a minute, so a busy key does not write on every request).
   */
  static async authenticate(em: EntityManager, prefix: string, hash: string): Promise<KeyMatch | null> {
    const rows: Record<string, any>[] = await em.execute(
      `with k as (
         select k.tenant_id, k.id, k.prefix, k.scopes, k.last_used_at, t.code as tenant_code, u.id as unit_id, u.code as unit_code, u.path, u.depth
           from api_key k
           join tenant t on t.id = k.tenant_id
           join org_unit u on u.tenant_id = k.tenant_id and u.id = k.unit_id
          where k.prefix = ? and k.hash = ? and k.revoked_at is null),
       touched as (
         update api_key a set last_used_at = now() from k
          where a.tenant_id = k.tenant_id and a.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute')
          returning a.id)
       select k.*, (select count(*) from touched) as touched from k`,
      [prefix, hash],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      prefix: r.prefix,
      scopes: r.scopes,
      unit: { tenantId: Number(r.tenant_id), tenantCode: r.tenant_code, id: r.unit_id, code: r.unit_code, path: r.path, depth: Number(r.depth) },
    };
  }

  /** The unit a staff token names (tenant code and unit code), in one statement. */
  static async staffUnit(em: EntityManager, tenantCode: string, unitCode: string): Promise<PrincipalUnit | null> {
    const rows: Record<string, any>[] = await em.execute(
      `select t.id as tenant_id, t.code as tenant_code, u.id, u.code, u.path, u.depth
         from tenant t join org_unit u on u.tenant_id = t.id
        where t.code = ? and u.code = ?`,
      [tenantCode, unitCode],
    );
    const r = rows[0];
    return r ? { tenantId: Number(r.tenant_id), tenantCode: r.tenant_code, id: r.id, code: r.code, path: r.path, depth: Number(r.depth) } : null;
  }
}
