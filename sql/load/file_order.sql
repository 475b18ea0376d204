insert into load_file_order by name select file, file_order from incoming
