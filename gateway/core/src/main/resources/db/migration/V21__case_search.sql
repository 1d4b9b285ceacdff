-- Finding a case by a word of its messages (issue 16 item 7). Japanese has no spaces and the embedded server's
-- C locale gives pg_trgm no trigrams of kana or kanji, so the index is our own: every distinct two-character
-- sequence (bigram) of a message's subject and text, after NFKC (full- and half-width alike) and lower case,
-- in a GIN index. A search asks for messages holding all of the query's bigrams, then checks the phrase itself.
CREATE FUNCTION kurashi_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
    FROM generate_series(1, length(t) - 1) AS i
$$;

CREATE FUNCTION kurashi_search_text(subject text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(normalize(coalesce(subject, '') || E'\n' || coalesce(body, ''), NFKC))
$$;

-- Automatic messages (the desk's notices, consent requests, acknowledgements: outbound without a staff author) are
-- the same boilerplate in every case and long: they are left out of the index, which keeps inserts cheap.
CREATE INDEX message_search ON message USING gin (kurashi_bigrams(kurashi_search_text(subject, body)))
    WHERE direction <> 'out' OR staff_id IS NOT NULL;
