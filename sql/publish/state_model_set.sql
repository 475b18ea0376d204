insert into snapshot_models (model, whole_build) values (?, ?)
