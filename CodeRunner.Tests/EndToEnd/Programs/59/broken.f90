program broken
  integer :: x
  x = 
 end program broken
