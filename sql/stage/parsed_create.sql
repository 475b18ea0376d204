-- The parse of each distinct text of one typed column, with the format it was parsed in.
create temp table {{target}} (
    text varchar, day_first boolean, decimal_comma boolean, value {{type}}, ok boolean
)
