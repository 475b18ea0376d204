-- The teams whose data the live snapshot does not hold as it is now: the teams an incremental
-- relation of the snapshot refreshes (sql/model/touched_rows.sql narrows its source to them,
-- as for the models).
create or replace temp table touched_teams (team_id varchar primary key)
