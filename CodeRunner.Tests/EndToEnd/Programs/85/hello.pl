my $x = <STDIN>;
chomp $x;
print "hello $x\n";
