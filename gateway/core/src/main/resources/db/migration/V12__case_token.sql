-- Issue 14 item 1 (sec-mail): the random part of a case's mail token, [KS-123-7f3a9c01]. A case number alone
-- is guessable; mail that quotes only a number or a wrong random part never continues a case by itself.
-- Set by the gateway (SecureRandom) when the case's first mail goes out; cases that never mailed have none.
ALTER TABLE consultation_case ADD COLUMN mail_token text CHECK (mail_token ~ '^[0-9a-f]{8}$');
