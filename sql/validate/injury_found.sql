-- The reference rule as a join: for each imaging row (registered as `exams`), whether the injury
-- it follows up exists, stored or loaded by this run (`run_injuries`). An exam that names no
-- injury passes; the rule is about the ones that name a missing one.
with known as (
    select team_id, record_id from injuries_latest
    union
    select team_id, record_id from run_injuries
)

select
    exams.row_index,
    exams.injury_record_id is null or known.record_id is not null as injury_found
from exams
left join known
    on known.team_id = exams.team_id
    and known.record_id = exams.injury_record_id
order by exams.row_index
