program hello
  character(len=64) :: s
  read(*, *) s
  print "(a)", "hello " // trim(s)
end program hello
