#!/bin/sh
read x
echo "hello $x"
