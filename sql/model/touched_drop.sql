drop table if exists temp.main.{latest}
