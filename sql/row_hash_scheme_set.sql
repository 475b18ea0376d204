insert into row_hash_scheme values ($scheme)
