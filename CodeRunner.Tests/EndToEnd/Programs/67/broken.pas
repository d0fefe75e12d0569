program Broken;
begin
  undeclared := 1;
end.
