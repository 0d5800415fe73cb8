-- The webhook log becomes the inbox: a delivery is stored and answered 202, then applied by any node's applier.
--   applied_at       when its effects were written (in the same transaction); null while pending
--   attempts         failed tries to apply it; next_attempt_at: not tried again before (backoff, or waiting for
--                    its dial's answer to be recorded)
--   set_aside_at     a delivery that failed too often is set aside with its last error, for the admin to see
--   source           'webhook' (Bolna posted it) or 'lookup' (the node asked GET /executions/{id})
ALTER TABLE call_events ADD COLUMN applied_at bigint;
ALTER TABLE call_events ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE call_events ADD COLUMN next_attempt_at bigint NOT NULL DEFAULT 0;
ALTER TABLE call_events ADD COLUMN last_error text;
ALTER TABLE call_events ADD COLUMN set_aside_at bigint;
ALTER TABLE call_events ADD COLUMN source text NOT NULL DEFAULT 'webhook';
-- Deliveries logged before the inbox were applied inside their request when their call was known.
UPDATE call_events SET applied_at = received_at WHERE item_id IS NOT NULL;
DROP INDEX ix_call_events_execution;
CREATE INDEX ix_call_events_pending_execution ON call_events (execution_id, id) WHERE applied_at IS NULL AND set_aside_at IS NULL;
CREATE INDEX ix_call_events_pending_due ON call_events (next_attempt_at) WHERE applied_at IS NULL AND set_aside_at IS NULL;

-- A call whose line ended without Bolna's final data is looked up from this time on (null: nothing to fetch).
ALTER TABLE call_attempts ADD COLUMN final_check_at bigint;
CREATE INDEX ix_call_attempts_final_check ON call_attempts (final_check_at) WHERE final_check_at IS NOT NULL;

-- Bolna's extracted_data of the item's last call (JSON), as the agent's extraction reported it.
ALTER TABLE queue_items ADD COLUMN extracted_data text;
