program Hello;
var s: string;
begin
  readln(s);
  writeln('hello ', s);
end.
