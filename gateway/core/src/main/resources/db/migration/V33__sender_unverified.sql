-- A resident message whose channel checked the sender and could not confirm it: a mail without a DMARC pass from the
-- desk's own receiving server (MAIL_AUTHSERV_ID). Anyone can write any From; staff see such a message marked, and
-- nothing in it is taken as the resident's consent.
ALTER TABLE message ADD COLUMN sender_unverified boolean NOT NULL DEFAULT false;
