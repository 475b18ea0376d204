create table snap.injury_rates as
select * from injury_rates
