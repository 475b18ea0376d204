attach $path as pipeline (read_only)
