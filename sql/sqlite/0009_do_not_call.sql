-- The do-not-call list: numbers never to be dialled, checked inside the claim that binds a slot to an item.
--   suppressions.user_id        the user whose list it is; NULL: the system's list (the admin's), for every user
--   suppressions.phone_number   E.164
--   suppressions.source         how it got there: 'api', 'import', 'call' (an opt-out said in a call), 'admin'
--   suppressions.reason         free text; for 'call' the execution id of the call
--   campaigns.opt_out_field     the key of Bolna's extracted_data that, when true, adds the number (source 'call')
CREATE TABLE suppressions (
    id            INTEGER PRIMARY KEY,
    user_id       text   REFERENCES users (id) ON DELETE CASCADE,
    phone_number  text   NOT NULL,
    source        text   NOT NULL,
    reason        text,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_suppressions_user_phone ON suppressions (user_id, phone_number) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX uq_suppressions_system_phone ON suppressions (phone_number) WHERE user_id IS NULL;
CREATE INDEX ix_suppressions_user_created ON suppressions (user_id, created_at DESC, id DESC);

ALTER TABLE campaigns ADD COLUMN opt_out_field text NOT NULL DEFAULT 'do_not_call';
