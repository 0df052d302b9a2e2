-- Where an inventory component came from (issue 4: CycloneDX SBOM import, docs/sbom.md).
--
-- `vaern import sbom --org <slug> --system <key> FILE` says what a system is built from *now*:
-- it creates and updates the system's components from the SBOM and removes the components of
-- that system that an earlier SBOM brought and the new one no longer lists. It must never remove
-- a component entered by hand (API, web) or by the components register (CSV/XLSX), so each row
-- records its source:
--
--   'register'  entered through the API or the components register (the default: every row
--               that existed before this migration was made that way);
--   'sbom'      created by an SBOM import of its system.
--
-- A row keeps its source when it is later edited by hand or by the register: the SBOM stays the
-- record's origin, and the system's next SBOM import updates it or removes it again.
-- A constant default: adding the column rewrites no row (PostgreSQL 11+).
alter table inventory_components
  add column source text not null default 'register' check (source in ('register', 'sbom'));

-- The SBOM import's removal step reads one system's SBOM components.
create index inventory_components_sbom on inventory_components (org_id, system_id, key)
  where source = 'sbom';
