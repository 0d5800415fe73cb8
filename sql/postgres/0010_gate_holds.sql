-- The dial gate's holds: an item the gate holds for a while (outside its contact's hours, under a calling rule)
-- keeps the moment it may next be dialled, so a dispatch pass reads only items that may be due, however many wait.
--   queue_items.held_until  the item's next opening (epoch ms); 0: not held, the dispatcher asks the gate (0, not
--                           NULL, so that "not held" is an equality the dispatch order's index serves in order)
--   campaigns.holds_key     what the campaign's holds were decided under (its window and the calling rules); when
--                           that changes the holds are dropped and the gate is asked again
ALTER TABLE queue_items ADD COLUMN held_until bigint NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN holds_key text;

-- The dispatch order of items not held (held_until = 0), and the holds in the order they end, then dispatch order.
DROP INDEX ix_queue_items_dispatch;
CREATE INDEX ix_queue_items_dispatch ON queue_items (campaign_id, status, held_until, priority DESC, position);
-- The earliest not-before time of a spread campaign.
CREATE INDEX ix_queue_items_not_before ON queue_items (campaign_id, scheduled_for)
    WHERE status = 'queued' AND scheduled_for IS NOT NULL;
-- A contact's items (a contact changed or deleted).
CREATE INDEX ix_queue_items_contact ON queue_items (contact_id);
