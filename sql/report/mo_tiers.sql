-- Myositis ossificans risk tiers over the scored contusions.
select
    tier,
    count(*) as contusions,
    round(100 * count(*) / sum(count(*)) over (), 1) as pct,
    count(*) filter (where incomplete) as incomplete
from mo_risk
group by tier
order by list_position(
    ['low', 'moderate', 'high', 'very_high', 'suspected_mo', 'diagnosed_mo'], tier
)
