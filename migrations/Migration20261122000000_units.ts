import { Migration } from '@mikro-orm/migrations';

/**
 * Tenants and the unit hierarchy. The trigger functions keep the materialized path exact whoever
 * writes (the API, the seeders, a DBA in psql): `path` and `depth` are derived from the parent,
 * a move rewrites the whole subtree in the same statement, and a parent in another tenant or at
 * a level not above the child's is refused (which also makes cycles impossible).
 */
export class Migration20261122000000_units extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "tenant" ("id" int not null, "code" varchar(6) not null, "name" varchar(100) not null, "time_zone" varchar(64) not null default 'Asia/Shanghai', "created_at" timestamptz not null default now(), constraint "tenant_pkey" primary key ("id"));`);
    this.addSql(`alter table "tenant" add constraint "tenant_code_key" unique ("code");`);

    this.addSql(`create table "org_unit" ("tenant_id" int not null, "id" uuid not null, "code" varchar(20) not null, "name" varchar(200) not null, "level" text check ("level" in ('PROVINCE', 'CITY', 'COUNTY', 'SCHOOL')) not null, "kind" text check ("kind" in ('EDUCATION_BUREAU', 'KINDERGARTEN', 'PRIMARY', 'SECONDARY', 'NINE_YEAR', 'VOCATIONAL', 'SPECIAL_EDUCATION', 'UNIVERSITY', 'AFFILIATED_INSTITUTION')) not null, "parent_id" uuid null, "path" text not null default '', "depth" smallint not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "org_unit_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "org_unit_tenant_path_idx" on "org_unit" ("tenant_id", "path" text_pattern_ops);`);
    this.addSql(`create index "org_unit_code_idx" on "org_unit" ("code", "id");`);
    this.addSql(`create index "org_unit_id_idx" on "org_unit" ("id");`);
    this.addSql(`create index "org_unit_tenant_parent_idx" on "org_unit" ("tenant_id", "parent_id");`);
    this.addSql(`alter table "org_unit" add constraint "org_unit_tenant_code_key" unique ("tenant_id", "code");`);

    this.addSql(`create function org_unit_level_rank(level text) returns int language sql immutable as $$
      select array_position(array['PROVINCE','CITY','COUNTY','SCHOOL'], level)
    $$;`);

    // force_custom_plan: the lookups below are planned with the table as it is now, not cached
    // from when it was empty (a cached seq-scan plan made bulk loads quadratic).
    this.addSql(`create function org_unit_hierarchy() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      declare
        p record;
      begin
        if new.parent_id is null then
          if new.level <> 'PROVINCE' then
            raise exception 'unit % (%) needs a parent: only a province is a root', new.code, new.level using errcode = '23514';
          end if;
          if not exists (select 1 from tenant t where t.id = new.tenant_id) then
            raise exception 'tenant % does not exist', new.tenant_id using errcode = '23503';
          end if;
          new.path := '/' || new.id || '/';
          new.depth := 0;
        else
          select u.path, u.depth, u.level into p from org_unit u where u.tenant_id = new.tenant_id and u.id = new.parent_id;
          if not found then
            raise exception 'parent % of unit % is not a unit of tenant %', new.parent_id, new.code, new.tenant_id using errcode = '23503';
          end if;
          if tg_op = 'UPDATE' and p.path like old.path || '%' then
            raise exception 'unit % cannot move under its own descendant', new.code using errcode = '23514';
          end if;
          if org_unit_level_rank(p.level) >= org_unit_level_rank(new.level) then
            raise exception 'unit % (%) must be at a level below its parent (%)', new.code, new.level, p.level using errcode = '23514';
          end if;
          new.path := p.path || new.id || '/';
          new.depth := p.depth + 1;
        end if;
        if tg_op = 'UPDATE' and new.level is distinct from old.level and exists (
          select 1 from org_unit c where c.tenant_id = new.tenant_id and c.parent_id = new.id
            and org_unit_level_rank(c.level) <= org_unit_level_rank(new.level)) then
          raise exception 'unit % cannot take level %: a child is not below it', new.code, new.level using errcode = '23514';
        end if;
        return new;
      end
    $$;`);
    this.addSql(`create trigger org_unit_hierarchy_biu before insert or update of parent_id, level, tenant_id, id on org_unit
      for each row execute function org_unit_hierarchy();`);

    this.addSql(`create function org_unit_move_subtree() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        update org_unit
           set path = new.path || substr(path, length(old.path) + 1),
               depth = depth + (new.depth - old.depth)
         where tenant_id = new.tenant_id and path like old.path || '_%';
        return null;
      end
    $$;`);
    this.addSql(`create trigger org_unit_move_subtree_au after update of parent_id on org_unit
      for each row when (old.path is distinct from new.path) execute function org_unit_move_subtree();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "org_unit" cascade;`);
    this.addSql(`drop function if exists org_unit_move_subtree();`);
    this.addSql(`drop function if exists org_unit_hierarchy();`);
    this.addSql(`drop function if exists org_unit_level_rank(text);`);
    this.addSql(`drop table if exists "tenant" cascade;`);
  }
}
