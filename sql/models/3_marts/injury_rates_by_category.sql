-- Injuries (diagnoses) and days lost by body region, tissue, mechanism and activity, per team
-- and season (and `all`), with incidence and burden per 1000 h of all exposure; for activity,
-- per 1000 h of that activity's exposure. Rows across teams have `all_teams` true and no team_id.
create or replace table injury_rates_by_category as
with diagnoses as (
    select
        injuries.team_id,
        injuries.season,
        injuries.days_lost,
        injuries.body_region,
        injuries.tissue,
        injuries.mechanism,
        injuries.activity
    from injuries
),

long as (
    unpivot diagnoses
    on body_region, tissue, mechanism, activity
    into name dimension value category
),

counted as (
    select
        team_id,
        grouping(team_id) = 1 as all_teams,
        coalesce(season, 'all') as season,
        dimension,
        category,
        count(*) as injuries,
        sum(days_lost)::bigint as days_lost
    from long
    group by grouping sets (
        (team_id, season, dimension, category),
        (team_id, dimension, category),
        (season, dimension, category),
        (dimension, category)
    )
),

hours as (
    select
        team_id,
        grouping(team_id) = 1 as all_teams,
        coalesce(season, 'all') as season,
        coalesce(activity, 'all') as activity,
        sum(minutes_exact) / 60 as exposure_hours
    from int_exposure_seasons
    group by grouping sets (
        (team_id, season, activity), (team_id, activity), (season, activity), (activity),
        (team_id, season), (team_id), (season), ()
    )
),

final as (
    select
        counted.team_id,
        counted.all_teams,
        counted.season,
        counted.dimension,
        counted.category,
        counted.injuries,
        counted.days_lost,
        hours.exposure_hours,
        per_1000h(counted.injuries, hours.exposure_hours) as incidence_per_1000h,
        per_1000h(counted.days_lost, hours.exposure_hours) as burden_per_1000h
    from counted
    left join hours
        on counted.team_id is not distinct from hours.team_id
        and counted.all_teams = hours.all_teams
        and counted.season = hours.season
        and hours.activity = case
            when counted.dimension = 'activity' then counted.category else 'all'
        end
)

select * from final order by all
