drop table if exists split_text
