-- The whole build each incremental model's table comes from.
select model, whole_build from model_state where whole_build is not null
