-- Each team's data version, as the last run left it (sql/score/team_versions.sql).
select team_id, data_version, has_records
from team_versions
order by team_id
