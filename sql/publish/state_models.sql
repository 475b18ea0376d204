select model, whole_build from snapshot_models
