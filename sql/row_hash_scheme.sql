select scheme from row_hash_scheme
