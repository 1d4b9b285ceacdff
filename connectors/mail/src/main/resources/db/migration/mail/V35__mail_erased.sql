-- What is left of a resident's mail once retention erased its case: a hash of its sender and its key (Message-ID),
-- nothing readable. The mail may still be in the mailbox on the server; when it is fetched again (a UIDVALIDITY
-- change starts the folder over) it is recognised here and not stored again, so an erased consultation never returns.
CREATE TABLE mail_erased (
    key        text PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT now()
);
