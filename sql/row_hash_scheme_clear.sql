delete from row_hash_scheme
