Module Program
    Sub Main()
        Dim x As Integer = Undeclared()
    End Sub
End Module
