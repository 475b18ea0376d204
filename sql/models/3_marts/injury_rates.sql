-- Injury rates per team and season, per team overall (season `all`), per season across teams
-- and overall. Rows across teams have `all_teams` true and no team_id, so a team that is really
-- called `all` cannot be mistaken for them (season labels are computed, so `all` is safe there). Incidence and burden per 1000 h with the Poisson/Wald 95% CI that
-- injurytools and the NCAA ISP use (macros of sql/migrations/005_rate_macros.sql), n being
-- injuries (incidence) or days lost (burden). Injuries are events, counted once.
create or replace table injury_rates as
with events as (
    select
        team_id,
        season,
        count(*) as injuries,
        count(*) filter (where activity = 'match') as match_injuries,
        count(*) filter (where activity = 'training') as training_injuries,
        count(*) filter (where is_ongoing) as ongoing_injuries,
        count(*) filter (where is_reinjury) as reinjuries,
        sum(days_lost)::bigint as days_lost,
        grouping(team_id) = 1 as all_teams,
        grouping(season) = 1 as all_seasons
    from int_injury_events
    group by grouping sets ((team_id, season), (team_id), (season), ())
),

exposure as (
    select
        team_id,
        season,
        sum(minutes_exact) / 60 as exposure_hours,
        sum(minutes_exact) filter (where activity = 'match') / 60 as match_hours,
        sum(minutes_exact) filter (where activity = 'training') / 60 as training_hours,
        grouping(team_id) = 1 as all_teams,
        grouping(season) = 1 as all_seasons
    from int_exposure_seasons
    group by grouping sets ((team_id, season), (team_id), (season), ())
),

joined as (
    select
        coalesce(events.team_id, exposure.team_id) as team_id,
        coalesce(events.all_teams, exposure.all_teams) as all_teams,
        coalesce(events.season, exposure.season, 'all') as season,
        coalesce(events.injuries, 0) as injuries,
        coalesce(events.match_injuries, 0) as match_injuries,
        coalesce(events.training_injuries, 0) as training_injuries,
        coalesce(events.ongoing_injuries, 0) as ongoing_injuries,
        coalesce(events.reinjuries, 0) as reinjuries,
        coalesce(events.days_lost, 0) as days_lost,
        coalesce(exposure.exposure_hours, 0) as exposure_hours,
        coalesce(exposure.match_hours, 0) as match_hours,
        coalesce(exposure.training_hours, 0) as training_hours
    from events
    full outer join exposure
        on events.team_id is not distinct from exposure.team_id
        and events.all_teams = exposure.all_teams
        and events.season is not distinct from exposure.season
        and events.all_seasons = exposure.all_seasons
),

final as (
    select
        team_id,
        all_teams,
        season,
        injuries,
        exposure_hours,
        per_1000h(injuries, exposure_hours) as incidence_per_1000h,
        wald_ci_low(injuries, exposure_hours) as incidence_ci_low,
        wald_ci_high(injuries, exposure_hours) as incidence_ci_high,
        days_lost,
        per_1000h(days_lost, exposure_hours) as burden_per_1000h,
        wald_ci_low(days_lost, exposure_hours) as burden_ci_low,
        wald_ci_high(days_lost, exposure_hours) as burden_ci_high,
        days_lost / nullif(injuries, 0) as mean_days_lost,
        match_injuries,
        match_hours,
        per_1000h(match_injuries, match_hours) as match_incidence_per_1000h,
        training_injuries,
        training_hours,
        per_1000h(training_injuries, training_hours) as training_incidence_per_1000h,
        ongoing_injuries,
        reinjuries,
        reinjuries / nullif(injuries, 0) as reinjury_share,
        $day_count as day_count
    from joined
)

select * from final order by all_teams, team_id, season = 'all', season
