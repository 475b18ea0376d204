-- A row's hash is stored as the 128-bit number of its md5 (md5_number) instead of its 32-character
-- hex text: at 10M exposure rows the text column was about half of what a first run's load
-- wrote, and every comparison of versions compared text. The values converted here are
-- placeholders: the row hash scheme changes with this migration (sideline/db.py,
-- ROW_HASH_SCHEME), so `rehash` recomputes every stored hash right after it.
alter table injuries_history alter row_hash type uhugeint using md5_number(row_hash);
alter table exposures_history alter row_hash type uhugeint using md5_number(row_hash);
alter table imaging_history alter row_hash type uhugeint using md5_number(row_hash);
