-- An import is recorded before its first row is read and says how far it has come: running (rows read so far in
-- total_rows, updated_at the last word from it), then done or failed. 'completed' was the word for done.
ALTER TABLE imports ADD COLUMN updated_at bigint;
UPDATE imports SET status = 'done', updated_at = completed_at WHERE status = 'completed';
