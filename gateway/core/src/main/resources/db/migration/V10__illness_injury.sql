-- 病気 and けが apart (issue 13): the city's report counts 病気 on its own. From this version the category
-- 'illness' is 病気 only and the new 'injury' is けが. Until now 'illness' meant 病気・けが.
--
-- Old rows keep 'illness' as it is: nothing stored tells an old injury from an illness, and rewriting what
-- staff corrected would change their decisions. Such a case is read and reported as 病気. Categories are
-- text arrays checked by the application (jp.kurashi.core.triage.Category), not by a constraint or a lookup
-- table, so 'injury' needs no schema change to be stored; the comments say what the codes mean from here.
-- Saved rules files (triage_rules) are the chief's own and stay as saved: a desk that saved its own rules
-- moves its けが phrases into an [injury normal] section itself (README, Triage).
COMMENT ON COLUMN consultation_case.categories IS
    'Category codes (jp.kurashi.core.triage.Category). From schema V10 illness = 病気 and injury = けが; before V10 illness meant 病気・けが.';
COMMENT ON COLUMN triage_result.categories IS
    'Category codes triage found. From schema V10 illness = 病気 and injury = けが; before V10 illness meant 病気・けが.';
COMMENT ON COLUMN triage_correction.categories IS
    'Category codes staff set. From schema V10 illness = 病気 and injury = けが; before V10 illness meant 病気・けが.';
COMMENT ON COLUMN triage_correction.previous_categories IS
    'Category codes before the correction. From schema V10 illness = 病気 and injury = けが; before V10 illness meant 病気・けが.';
