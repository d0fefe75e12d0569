s = input('', 's');
printf('hello %s\n', s);
