-- Injuries an imaging row may follow up, as `team_id` and `record_id` joined by U+001F.
select team_id || chr(31) || record_id as injury_key
from injuries_latest
