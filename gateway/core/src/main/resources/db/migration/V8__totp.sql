-- Optional second factor: a TOTP secret is pending until the staff member proves their app has it.
ALTER TABLE staff ADD COLUMN totp_pending text;
ALTER TABLE staff ADD COLUMN totp_enabled boolean NOT NULL DEFAULT false;
