create table snap.injury_rates_by_category as
select * from injury_rates_by_category
