print("hello", input())
