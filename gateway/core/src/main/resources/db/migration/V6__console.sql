-- Staff console: case actions, handoff to in-person support, partner agencies, templates, accounts.

ALTER TABLE consultation_case ADD COLUMN complaint boolean NOT NULL DEFAULT false;
ALTER TABLE consultation_case ADD CONSTRAINT consultation_case_outcome CHECK (
    outcome IS NULL OR outcome IN ('information_given', 'referred', 'in_person_started', 'no_response', 'other'));

ALTER TABLE staff ADD COLUMN totp_secret text;
ALTER TABLE staff ADD COLUMN password_changed_at timestamptz;

CREATE TABLE agency (
    id          bigserial PRIMARY KEY,
    office_id   bigint NOT NULL REFERENCES office (id),
    name        text NOT NULL,
    kind        text NOT NULL,
    phone       text,
    address     text,
    note        text,
    active      boolean NOT NULL DEFAULT true,
    UNIQUE (office_id, name)
);

CREATE TABLE handoff (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES consultation_case (id),
    kind        text NOT NULL CHECK (kind IN ('appointment', 'outreach', 'referral')),
    at          timestamptz,
    agency_id   bigint REFERENCES agency (id),
    note        text,
    message_id  bigint REFERENCES message (id),
    staff_id    bigint NOT NULL REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoff_case ON handoff (case_id);

CREATE TABLE reply_template (
    id          bigserial PRIMARY KEY,
    office_id   bigint NOT NULL REFERENCES office (id),
    title       text NOT NULL,
    body        text NOT NULL,
    UNIQUE (office_id, title)
);

-- The partner agencies most desks work with; admins edit the list.
INSERT INTO agency (office_id, name, kind, phone, note)
SELECT o.id, a.name, a.kind, NULL, a.note FROM office o CROSS JOIN (VALUES
    ('ハローワーク', 'employment', '職業相談・求人・雇用保険'),
    ('区 保健福祉課', 'welfare', '生活保護・各種手当'),
    ('地域包括支援センター', 'elderly', '高齢者の総合相談・介護'),
    ('障害者相談支援センター', 'disability', '障害のある方の相談'),
    ('見守り相談室', 'watch_over', '地域の見守り・孤立防止'),
    ('社会福祉協議会', 'social_welfare', '生活福祉資金・ボランティア'),
    ('法律相談(法テラス・弁護士会)', 'legal', '債務・契約・家族の法律問題'),
    ('フードバンク', 'food', '緊急の食料支援')
) AS a(name, kind, note)
ON CONFLICT DO NOTHING;

INSERT INTO reply_template (office_id, title, body)
SELECT o.id, t.title, t.body FROM office o CROSS JOIN (VALUES
    ('はじめの返信', '{name}さん、くらしのサポートコーナー相談員の{staff}です。ご相談ありがとうございます。もう少し詳しくお聞かせいただけますか。'),
    ('面談のご案内', '{name}さん、窓口で直接お話を伺えればと思います。ご都合のよい日時をいくつか教えてください。'),
    ('食料支援のご案内', '{name}さん、フードバンクの食料支援をご案内できます。受け取りやすい場所と時間を教えてください。')
) AS t(title, body)
ON CONFLICT DO NOTHING;

-- Start of the current window of failed logins (5 in 15 minutes lock the account for 15 minutes).
ALTER TABLE staff ADD COLUMN failed_window_start timestamptz;
