drop view if exists split_text
