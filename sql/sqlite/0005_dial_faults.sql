-- Dials whose outcome is unknown, and errors that concern the whole campaign.
--   queue_items.dial_unknown_at     when the dial's answer was lost (timeout, 5xx): the call may be live; Bolna's
--                                   executions are searched for it until it is found, shown absent, or given up
--   campaigns.dial_errors_in_row    dial refusals and 'error' statuses since the last call that went through
ALTER TABLE queue_items ADD COLUMN dial_unknown_at bigint;
ALTER TABLE campaigns ADD COLUMN dial_errors_in_row integer NOT NULL DEFAULT 0;
