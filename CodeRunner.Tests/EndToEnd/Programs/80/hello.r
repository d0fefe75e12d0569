con <- file("stdin")
s <- readLines(con, n = 1)
close(con)
cat("hello ", s, "\n", sep = "")
