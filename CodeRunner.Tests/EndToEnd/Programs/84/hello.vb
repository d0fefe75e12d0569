Imports System

Module Program
    Sub Main()
        Console.WriteLine("hello " & Console.ReadLine().Trim())
    End Sub
End Module
