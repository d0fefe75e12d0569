local s = io.read("l")
print("hello " .. s)
