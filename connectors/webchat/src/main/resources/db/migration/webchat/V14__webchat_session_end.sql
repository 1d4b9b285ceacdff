-- A web chat ends on the resident's word (DELETE /webchat/sessions/current) or after
-- WEBCHAT_SESSION_IDLE_DAYS without use. The row stays, so staff replies to the case still find
-- the chat, but its token opens nothing any more: on a shared PC the next person gets a new chat.
ALTER TABLE webchat_session ADD COLUMN revoked_at timestamptz;
