-- whether the named injury exists: the validate stage fills it
cast(null as boolean) as injury_found
