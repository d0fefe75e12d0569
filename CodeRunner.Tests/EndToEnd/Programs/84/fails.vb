Imports System

Module Program
    Sub Main()
        Environment.Exit(3)
    End Sub
End Module
