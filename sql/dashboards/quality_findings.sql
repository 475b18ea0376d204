-- Each completeness finding with the athlete and record it concerns (ids, never a name).
select team_id, check_name, athlete_id, record_id, detail
from data_completeness
order by team_id, check_name, athlete_id, record_id
limit 1000
