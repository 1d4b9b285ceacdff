-- Notes without a staff author (the one a web chat case gets when the chat is opened on another device with its resume
-- code) are the same boilerplate in every case, as the desk's automatic messages are: out of the search index (V21),
-- and out of the search, whose condition must match this one for the index to serve it.
DROP INDEX message_search;
CREATE INDEX message_search ON message USING gin (kurashi_bigrams(kurashi_search_text(subject, body)))
    WHERE direction = 'in' OR staff_id IS NOT NULL;
