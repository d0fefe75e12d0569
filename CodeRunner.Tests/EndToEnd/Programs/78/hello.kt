fun main() {
    val s = readLine()!!.trim()
    println("hello $s")
}
