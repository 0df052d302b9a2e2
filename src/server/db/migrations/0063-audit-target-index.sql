-- The audit entries of one record (a finding's changes of state on its page, issue 5): the
-- organisation's chain read by target, newest first, instead of the whole chain. A region's chain
-- grows by every change anyone makes; without this, a finding's history read all of it.
create index audit_log_target on audit_log (org_id, target_id, seq) where target_id is not null;
