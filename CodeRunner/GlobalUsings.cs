global using System.Diagnostics;
global using System.Text;
global using Microsoft.Extensions.Options;
global using CodeRunner.Contracts;
