select * from missing;
