-- Reasonable accommodation (合理的配慮) per case: how to communicate with the person (筆談, 手話通訳,
-- やさしい日本語, ふりがな, 読み上げ) and how and when they prefer to be contacted, shown in the case header and on the
-- printable handoff summary so the colleague who meets them in person prepares for it.
CREATE TABLE case_accommodation (
    case_id        bigint PRIMARY KEY REFERENCES consultation_case (id) ON DELETE CASCADE,
    needs          text[] NOT NULL DEFAULT '{}'
                   CHECK (needs <@ ARRAY['writing', 'sign_language', 'easy_japanese', 'furigana', 'read_aloud']::text[]),
    contact_means  text CHECK (contact_means IN ('chat', 'line', 'mail', 'phone', 'sms', 'fax', 'letter', 'visit')),
    contact_hours  text CHECK (length(contact_hours) <= 200),
    note           text CHECK (length(note) <= 2000),
    updated_by     bigint NOT NULL REFERENCES staff (id),
    updated_at     timestamptz NOT NULL
);
