-- A dial older than the longest window a frequency cap can have (CallCap.MostHours) never counts again: the retention
-- sweep deletes such rows oldest first, along this index.
CREATE INDEX ix_number_dials_dialled_at ON number_dials (dialled_at);
