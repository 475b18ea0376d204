-- The split records without as many fields as the header: each is a failure, kept whole.
select file_no, __row, fields from split where not fits order by file_no, __row
