-- Each team's exposure history as a version: rows only ever join the history (a correction is
-- a new version), so its row count grows with every load that touches the team.
select team_id, count(*) || ':' || max(run_id) as exposure_version
from exposures_history
group by team_id
