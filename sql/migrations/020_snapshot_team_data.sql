-- The analyst snapshot's per-team state covers all of a team's data, not only its exposures:
-- every relation of one team's rows (injuries, imaging, risk, the per-team marts) is patched
-- for the teams whose data changed, as `exposures` was. Rows that depend on the day or the
-- settings change when their model is built whole (for itself, or because a model it reads
-- was), so each whole build of a model now gets its own id (`model_state.whole_build`), and
-- the ids of the builds the snapshot was made from are kept beside it (`snapshot_models`).
-- The versions held until now are of another form, so every team is refreshed once.
alter table model_state add column whole_build varchar;

alter table snapshot_teams rename column exposure_version to data_version;

create table snapshot_models (
    model varchar primary key,
    whole_build varchar not null
);
