-- The restore procedure's date (issue 4, "each with a date and an evidence note"): every other
-- item of a system's technical baseline has a date; the restore procedure had yes/no, link and
-- note only. restore_procedure_on: when the procedure was documented or last reviewed. null: not
-- recorded. Existing rows keep null (nothing to derive it from).

alter table inventory_systems add column restore_procedure_on date;

-- The scorecard's thresholds and periods are the sector's settings (issue 4, "Thresholds and
-- periods are sector settings"): besides a platform administrator, a sector coordinator changes
-- them. The keys are settings/registry.ts's SECTOR_SETTING_KEYS. The database checks that a sector
-- unit is in the request's scope; the role (sector_coordinator) can only be checked by the
-- application (settings/policy.ts), as for the scorecard's sector view (0014).
create function vaern_in_sector_unit() returns boolean
  language sql stable
  as $$ select exists (select 1 from organisations o
                       where o.id = any (vaern_org_ids()) and o.kind = 'sector_unit') $$;

create policy platform_settings_sector_insert on platform_settings for insert to vaern_app
  with check (key in ('scorecard_pass_percent', 'scorecard_confirmation_months', 'scorecard_patch_days',
                      'scorecard_test_months')
              and vaern_in_sector_unit());
create policy platform_settings_sector_update on platform_settings for update to vaern_app
  using (key in ('scorecard_pass_percent', 'scorecard_confirmation_months', 'scorecard_patch_days',
                 'scorecard_test_months')
         and vaern_in_sector_unit())
  with check (key in ('scorecard_pass_percent', 'scorecard_confirmation_months', 'scorecard_patch_days',
                      'scorecard_test_months')
              and vaern_in_sector_unit());
