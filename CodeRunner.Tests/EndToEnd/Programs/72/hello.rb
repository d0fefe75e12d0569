s = gets.strip
puts "hello #{s}"
