-- Every stored row's hash by the current formula ({{row_hash}}: sideline/staging.py).
update {history} set row_hash = {{row_hash}}
