read x
echo "hello $x"
