insert into snapshot_build (build_key, whole_bytes) values ($build_key, $whole_bytes)
