-- Contacts' own clocks, whose clock a campaign's window is read on, and the calling rules (quiet hours).
--   contacts.time_zone         IANA zones the number may be in, comma-separated (a call must suit all of them);
--                              found from the number, or the one the user gave; NULL: unknown (the campaign's zone)
--   contacts.time_zone_given   true when the user gave the zone (it then stays when the number changes)
--   contacts.region            ISO country, or US-XX where the number shows the state; NULL: unknown
--   campaigns.window_zone      'campaign': the window is read in the campaign's zone; 'contact': in each contact's
--   calling_rules              contacts of a region are called only from from_time to to_time (HH:mm, their local
--                              time), on the days named (comma-separated mon..sun; NULL: every day)
ALTER TABLE contacts ADD COLUMN time_zone text;
ALTER TABLE contacts ADD COLUMN time_zone_given boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ADD COLUMN region text;
ALTER TABLE campaigns ADD COLUMN window_zone text NOT NULL DEFAULT 'campaign';

CREATE TABLE calling_rules (
    id         text    PRIMARY KEY,
    position   integer NOT NULL,
    region     text    NOT NULL,
    from_time  text    NOT NULL,
    to_time    text    NOT NULL,
    days       text
);

-- The shipped defaults: the US federal hours (TCPA), Florida's, India's. Editable through PUT /api/admin/calling-rules.
INSERT INTO calling_rules (id, position, region, from_time, to_time, days) VALUES
    ('us', 1, 'US', '08:00', '21:00', NULL),
    ('us-fl', 2, 'US-FL', '08:00', '20:00', NULL),
    ('in', 3, 'IN', '09:00', '21:00', NULL);
