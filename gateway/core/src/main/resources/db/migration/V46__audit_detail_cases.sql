-- Rows that name several cases in their detail (a search's results, the complaints register, a corrections export)
-- are listed in each named case's audit view: the chief asking who saw case 123 finds the export that carried its
-- words. This index keeps that view from reading the whole log. A plain build (CONCURRENTLY waits forever on the
-- migration's own lock): audit inserts wait while it reads the log, so a desk with years of log upgrades out of hours.
CREATE INDEX audit_log_detail_cases ON audit_log USING gin ((COALESCE(detail->'caseIds', detail->'cases')))
 WHERE detail ?| array['caseIds', 'cases'];
