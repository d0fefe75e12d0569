let () =
  let s = read_line () in
  print_endline ("hello " ^ s)
