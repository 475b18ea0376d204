-- How many records of each split file became text rows.
select file_no, count(*) from split where fits group by file_no
