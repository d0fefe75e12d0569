main(_) ->
    S = string:trim(io:get_line("")),
    io:format("hello ~s~n", [S]).
