-- Which run this snapshot shows and the conventions in force for it.
create table snap.snapshot_info as
select
    (select run_id from run_log where status = 'success' order by started_at desc limit 1) as run_id,
    now() as published_at,
    $day_count as day_count,
    $season_start_month as season_start_month
