-- Which formula the history tables' row_hash follows. Hashes were computed by pandas until the
-- rows were staged in DuckDB; they are now md5 over the typed values in SQL
-- (sideline/staging.py, row_hash_sql). `sideline.db.connect` recomputes every stored hash once
-- when the scheme recorded here is not the current one, so re-sent rows still match.
create table row_hash_scheme (scheme varchar not null);
