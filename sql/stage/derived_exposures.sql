-- a session row is one day; a period row spreads its minutes over its days
minutes / case
    when period_end is not null and datediff('day', "date", period_end) + 1 >= 1
        then cast(datediff('day', "date", period_end) + 1 as double)
    else 1.0
end as minutes_per_day
