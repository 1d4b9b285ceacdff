-- Account lifecycle (issue 14, item 6).

-- Set on an account the admin created or whose password the admin reset, and on the first admin whose
-- password was generated: until the person chooses their own password, their session may do nothing else.
ALTER TABLE staff ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
