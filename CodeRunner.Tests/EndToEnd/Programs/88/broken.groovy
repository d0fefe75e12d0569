def x = 
