global using System.Diagnostics;
global using System.Text;
global using CodeRunner.Contracts;
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
