-- Each staged row's file and unique key in one column (the expression is filled in from
-- sideline/staging.py, unique_sql), for the suite's uniqueness rule.
update staging.{relation} set __unique = {{unique}}
