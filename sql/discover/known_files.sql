select sha256 from file_ledger
