drop view if exists temp.main.{relation}
