-- 法人本部: the corporation running the desks sees every office's counts and reports, never a consultation.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('admin', 'chief', 'consultant', 'operator'));
