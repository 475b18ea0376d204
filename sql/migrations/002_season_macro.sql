-- Season label of a day, for seasons starting in `start_month` (CONTRACT: labelled `2017/2018`).
create macro season_label(day, start_month) as
    case
        when month(day) >= start_month
            then cast(year(day) as varchar) || '/' || cast(year(day) + 1 as varchar)
        else cast(year(day) - 1 as varchar) || '/' || cast(year(day) as varchar)
    end;
