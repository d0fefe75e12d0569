program fails
  call exit(3)
end program fails
