insert or replace into model_state (model, build_key) values ($model, $build_key)
