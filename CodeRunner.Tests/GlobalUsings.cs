global using System.Text;
global using CodeRunner.Contracts;
