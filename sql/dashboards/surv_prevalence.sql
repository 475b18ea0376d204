select period_label, period_start, athletes, injured_athletes, prevalence
from injury_prevalence
where team_id = $team_id and period = 'month'
order by period_start
