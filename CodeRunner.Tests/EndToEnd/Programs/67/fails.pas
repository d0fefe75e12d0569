program Fails;
begin
  halt(3);
end.
