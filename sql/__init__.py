"""Every SQL statement Sideline runs, one relation or statement per file."""
