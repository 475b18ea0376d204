-- Every stored row's hash by the current formula (filled in from sideline/staging.py,
-- row_hash_sql).
update {history} set row_hash = {{row_hash}}
