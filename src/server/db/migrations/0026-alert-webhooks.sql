-- Webhook endpoints for alerts (issue 6; docs/alerts.md, "Webhooks"): an organisation's admin or
-- security officer registers endpoints that receive every alert addressed to the organisation
-- (TLP:RED never) at or above a minimum severity, signed per Standard Webhooks.
--
-- alert_webhooks: organisation-owned; the signing secret sealed by the application (secretbox,
-- purpose 'alert-webhook'), never stored in the clear.
-- alert_deliveries gains the channel 'webhook': one row per (alert, organisation, endpoint), its
-- recipient 'webhook:<endpoint id>', its id the `webhook-id` of every attempt. The delivery job
-- (operator scope) posts what is due (next_attempt_at), reschedules with backoff and after the
-- last attempt sets dead_at (the dead-letter list). The organisation reads its own webhook rows
-- and requeues dead ones; e-mail rows stay operator-only.

create table alert_webhooks (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  url text not null check (url ~ '^https?://' and length(url) <= 300),
  description text check (length(description) <= 500),
  min_severity text not null default 'low' check (min_severity in ('low', 'medium', 'high', 'critical')),
  secret_sealed text not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);

alter table alert_webhooks enable row level security;
alter table alert_webhooks force row level security;
create policy alert_webhooks_tenant on alert_webhooks to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy alert_webhooks_definer on alert_webhooks to vaern_definer using (true) with check (true);
grant select, insert, delete on alert_webhooks to vaern_app;
grant select, insert, update, delete on alert_webhooks to vaern_definer;

alter table alert_deliveries
  drop constraint alert_deliveries_channel_check,
  add constraint alert_deliveries_channel_check check (channel in ('email', 'webhook')),
  drop constraint alert_deliveries_check,
  add constraint alert_deliveries_user_check
    check ((recipient = 'duty' or channel = 'webhook') = (user_id is null)),
  add constraint alert_deliveries_webhook_recipient
    check ((channel = 'webhook') = (recipient like 'webhook:%')),
  add column next_attempt_at timestamptz,
  add column dead_at timestamptz;
create index alert_deliveries_webhook_due on alert_deliveries (next_attempt_at)
  where channel = 'webhook' and sent_at is null and dead_at is null;

create policy alert_deliveries_webhook_read on alert_deliveries for select to vaern_app
  using (channel = 'webhook' and vaern_sees_org(org_id));
create policy alert_deliveries_webhook_requeue on alert_deliveries for update to vaern_app
  using (channel = 'webhook' and vaern_sees_org(org_id))
  with check (channel = 'webhook' and vaern_sees_org(org_id));

-- Adds the webhook deliveries of a published alert: one per endpoint of each recipient
-- organisation whose minimum severity the alert reaches; never for TLP:RED. Only for the sector
-- unit that wrote the alert; a second call adds nothing. Returns how many it added.
create function vaern_alert_webhooks_enqueue(p_alert uuid) returns integer
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with ins as (
      insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address, next_attempt_at)
      select w.org_id, a.id, 'webhook', 'webhook:' || w.id, null, w.url, now()
      from alerts a
      join alert_recipients r on r.alert_id = a.id
      join alert_webhooks w on w.org_id = r.org_id
      where a.id = p_alert and a.tlp <> 'RED' and vaern_alert_sector_ok(a.sector_unit_id)
        and array_position(array['low', 'medium', 'high', 'critical'], a.severity)
            >= array_position(array['low', 'medium', 'high', 'critical'], w.min_severity)
      on conflict do nothing
      returning 1
    )
    select count(*)::int from ins
  $$;
alter function vaern_alert_webhooks_enqueue(uuid) owner to vaern_definer;
revoke all on function vaern_alert_webhooks_enqueue(uuid) from public;
grant execute on function vaern_alert_webhooks_enqueue(uuid) to vaern_app;
