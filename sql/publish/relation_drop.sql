drop table if exists snap.{relation}
