select team_id, check_name, count(*) as findings
from data_completeness
group by all
order by team_id, findings desc
