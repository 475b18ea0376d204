-- The distinct texts of one date column of each split file that hold a slash (as its trimmed
-- text does exactly when its untrimmed one does): they say whether the file writes its dates
-- day first (flows/parse.py, detect_format).
select distinct file_no, {{cell}}
from split
where len(fields) = $width and {{field}} like '%/%'
