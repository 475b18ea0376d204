-- A model built whole: what from, and an id of its own for this build (a snapshot relation
-- read from it holds rows of an earlier build while the id it holds differs).
insert or replace into model_state (model, build_key, whole_build)
values ($model, $build_key, cast(uuid() as varchar))
