-- The frequency cap: at most call_cap_max calls to one number of a user within any call_cap_hours (rolling), counted
-- from the dials claimed, across all the user's campaigns, checked inside the claim.
--   system_settings.call_cap_*   the system's cap (NULL: none)
--   users.call_cap_*             one user's cap (NULL: the system's)
--   number_dials                 one row per dial claimed (deleted when no call was placed)
--   queue_items.capped_until     when the cap lets this item be dialled (epoch ms; 0: not capped), for its wait
ALTER TABLE system_settings ADD COLUMN call_cap_max integer;
ALTER TABLE system_settings ADD COLUMN call_cap_hours integer;
ALTER TABLE users ADD COLUMN call_cap_max integer;
ALTER TABLE users ADD COLUMN call_cap_hours integer;
ALTER TABLE queue_items ADD COLUMN capped_until INTEGER NOT NULL DEFAULT 0;

CREATE TABLE number_dials (
    user_id       text    NOT NULL,
    phone_number  text    NOT NULL,
    item_id       INTEGER NOT NULL,
    attempt       integer NOT NULL,
    dialled_at    INTEGER NOT NULL,
    PRIMARY KEY (item_id, attempt)
);
CREATE INDEX ix_number_dials_number ON number_dials (user_id, phone_number, dialled_at);
