<?php
$s = trim(fgets(STDIN));
echo "hello $s\n";
