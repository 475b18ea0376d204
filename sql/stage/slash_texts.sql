-- The distinct texts of one date column of each split file that hold a slash: they say
-- whether the file writes its dates day first (flows/parse.py, detect_format).
select distinct file_no, {{cell}}
from split
where fits and {{cell}} like '%/%'
