-- A chat's resume code (POST /webchat/sessions/current/code): the resident writes it down, forgets the chat on a
-- shared PC, and opens it again with the code on any device, which gets a new token (the old one then opens
-- nothing). Only the code's SHA-256 is kept, as for tokens; a new code replaces the last.
ALTER TABLE webchat_session ADD COLUMN resume_code_hash text;
CREATE UNIQUE INDEX webchat_session_resume_code ON webchat_session (resume_code_hash)
  WHERE resume_code_hash IS NOT NULL;
