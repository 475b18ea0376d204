-- One batch of the distinct texts: those numbered from $first up to $last.
select text, day_first, decimal_comma from texts where n between $first and $last
