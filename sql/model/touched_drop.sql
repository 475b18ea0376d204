drop table if exists temp.main.{relation}
