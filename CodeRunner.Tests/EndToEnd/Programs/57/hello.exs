s = IO.gets("") |> String.trim()
IO.puts("hello " <> s)
