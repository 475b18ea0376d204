-- Each team's (of `$team_ids`) monthly prevalence.
select team_id, period_label, period_start, athletes, injured_athletes, prevalence
from injury_prevalence
where list_contains($team_ids, team_id) and period = 'month'
order by period_start
