using System;
class Program {
    static void Main() { Environment.Exit(3); }
}
