-- Claiming e-mail deliveries (issue 6; docs/alerts.md, "Delivery at scale and after a crash").
-- Every run of the job alerts.deliver_email, at once after a publication and every minute, claims
-- the e-mail deliveries that are due across all alerts: never claimed (next_attempt_at null), or
-- whose lease or backoff has passed. Without this index that is a scan of every delivery ever made;
-- with it, of the unsent ones only. (Webhook deliveries have alert_deliveries_webhook_due, 0026.)

create index alert_deliveries_email_due on alert_deliveries (next_attempt_at nulls first)
  where channel = 'email' and sent_at is null and dead_at is null;
