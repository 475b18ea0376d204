-- Per team of `$team_ids`: injuries, incidence and mean days lost by category over the team's whole record.
select team_id, dimension, category, injuries, days_lost, incidence_per_1000h, burden_per_1000h,
       days_lost / injuries as mean_days_lost
from injury_rates_by_category
where list_contains($team_ids, team_id) and season = 'all'
order by dimension, injuries desc, category
