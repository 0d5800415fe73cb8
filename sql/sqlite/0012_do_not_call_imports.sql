-- Imports of numbers onto a do-not-call list, and the rows they refused (for the import's errors.csv).
--   user_id NULL: the system's list (the admin's import)
CREATE TABLE suppression_imports (
    id          INTEGER PRIMARY KEY,
    user_id     text   REFERENCES users (id) ON DELETE CASCADE,
    created_at  bigint NOT NULL
);

CREATE TABLE suppression_import_errors (
    import_id     bigint  NOT NULL REFERENCES suppression_imports (id) ON DELETE CASCADE,
    row_number    integer NOT NULL,
    phone_number  text,
    reason        text    NOT NULL,
    PRIMARY KEY (import_id, row_number)
);
