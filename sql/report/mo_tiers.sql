-- Myositis ossificans risk tiers over the contusions in the model's scope (ordered by
-- sideline/report.py, from the tier order of sideline/mo_params.py).
select
    tier,
    count(*) as contusions,
    round(100 * count(*) / sum(count(*)) over (), 1) as pct,
    count(*) filter (where incomplete) as incomplete
from mo_risk
group by tier
