-- Reports count cases from the case tables themselves. A case merged into another (a duplicate
-- the staff folded together) is not a new consultation and is left out of every figure.
ALTER TABLE consultation_case ADD COLUMN merged_into bigint REFERENCES consultation_case (id);
CREATE INDEX consultation_case_opened ON consultation_case (office_id, opened_at);
CREATE INDEX handoff_created ON handoff (created_at);
