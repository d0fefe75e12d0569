let s = stdin.ReadLine().Trim()
printfn "hello %s" s
