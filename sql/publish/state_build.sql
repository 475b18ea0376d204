select build_key, whole_bytes from snapshot_build
