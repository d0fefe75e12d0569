main :: IO ()
main = do
  s <- getLine
  putStrLn ("hello " ++ s)
