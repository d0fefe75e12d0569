def s = System.in.newReader().readLine().trim()
println "hello " + s
