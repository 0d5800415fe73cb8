-- Which node bound a lease to its call (its silo address with generation): when that node is gone, nobody will
-- report on the call from memory, so the call is looked up at Bolna at once instead of after StaleCallAfter.
ALTER TABLE slot_leases ADD COLUMN node text;
