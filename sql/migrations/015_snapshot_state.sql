-- What the live analyst snapshot was built from: the whole build (its SQL, settings and the
-- schema, and its size when built whole) and, per team, the exposure history it holds. Written
-- after the snapshot is in place, so it may lag the snapshot but never lead it: a run refreshes
-- every team whose history differs from it.
create table snapshot_build (
    build_key varchar not null,
    whole_bytes bigint not null
);

create table snapshot_teams (
    team_id varchar primary key,
    exposure_version varchar not null
);
