-- The staged rows Great Expectations listed as failing ($ids), to describe each failure.
-- {relation} is a staging relation from the catalogue.
select * from staging.{relation} where __id in (select unnest($ids))
