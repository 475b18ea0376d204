-- A refreshed relation's rows of the touched teams, as it now stores them, kept as the copy the
-- models built from it read (flows/model.py).
alter table temp.main.touched_fresh rename to {target}
