-- Period prevalence per team by month and by season: athletes with an injury (new or still
-- open) during the period, over the athletes in the cohort (any exposure that season). The
-- months are every month an exposure covers: a row that totals a period (a season's minutes,
-- `date` to `period_end`) covers all of its months, not just the first.
-- incremental: by team_id
create or replace table injury_prevalence as
with cohort as (
    select distinct team_id, season, athlete_id from int_exposure_months
),

months as (
    select distinct
        team_id,
        season,
        unnest(
            generate_series(
                month_start::timestamp, date_trunc('month', last_day), interval 1 month
            )
        )::date as period_start
    from int_exposure_months
),

periods as (
    select
        team_id,
        season,
        'month' as period,
        strftime(period_start, '%Y-%m') as period_label,
        period_start,
        (period_start + interval 1 month - interval 1 day)::date as period_end
    from months
    union all
    select
        team_id,
        season,
        'season' as period,
        season as period_label,
        min(period_start) as period_start,
        (max(period_start) + interval 1 month - interval 1 day)::date as period_end
    from months
    group by team_id, season
),

injured as (
    select
        periods.team_id,
        periods.period,
        periods.period_label,
        count(distinct events.athlete_id) as injured_athletes
    from periods
    inner join int_injury_events as events
        on events.team_id = periods.team_id
        and events.injury_date <= periods.period_end
        and events.end_date >= periods.period_start
    inner join cohort
        on cohort.team_id = periods.team_id
        and cohort.season = periods.season
        and cohort.athlete_id = events.athlete_id
    group by all
),

sizes as (
    select team_id, season, count(*) as athletes from cohort group by all
),

final as (
    select
        periods.team_id,
        periods.season,
        periods.period,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        sizes.athletes,
        coalesce(injured.injured_athletes, 0) as injured_athletes,
        coalesce(injured.injured_athletes, 0) / sizes.athletes as prevalence
    from periods
    inner join sizes using (team_id, season)
    left join injured using (team_id, period, period_label)
)

select * from final order by team_id, period, period_start
