using static CodeRunner.Tests.EndToEnd.JudgeCluster;

namespace CodeRunner.Tests.EndToEnd;

[Collection(JudgeClusterCollection.Name)]
public sealed class LanguageTests(JudgeCluster cluster)
{
    public static TheoryData<int, string> HelloWorlds => new()
    {
        { 50, "#include <stdio.h>\nint main(void) { char s[64]; scanf(\"%63s\", s); printf(\"hello %s\\n\", s); return 0; }\n" },
        { 54, "#include <iostream>\n#include <string>\nint main() { std::string s; std::cin >> s; std::cout << \"hello \" << s << std::endl; }\n" },
        { 71, "print('hello', input())\n" },
        { 63, "const s = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log('hello ' + s);\n" },
        { 46, "read x\necho \"hello $x\"\n" },
        { 62, "import java.util.Scanner;\npublic class Main {\n  public static void main(String[] args) {\n    System.out.println(\"hello \" + new Scanner(System.in).next());\n  }\n}\n" },
        { 51, "using System;\nclass Program {\n  static void Main() { Console.WriteLine(\"hello \" + Console.ReadLine()); }\n}\n" },
        { 85, "my $x = <STDIN>; chomp $x; print \"hello $x\\n\";\n" },
        { 82, "select 'hello ' || 'world';\n" },
        { 43, "hello world\n" },
    };

    [Theory]
    [MemberData(nameof(HelloWorlds))]
    public async Task Given_hello_world_in_each_language_Then_it_is_accepted_with_its_output(int languageId, string source)
    {
        var result = await cluster.RunAsync(new { language_id = languageId, source_code = source, stdin = "world" });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("hello world\n", Text(result, "stdout"));
        Assert.True(decimal.Parse(Text(result, "time")!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(result["memory"]!.GetValue<int>() > 0, Describe(result));
        Assert.Equal(languageId, result["language"]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Given_every_listed_language_Then_its_name_carries_a_real_version_and_it_can_be_fetched()
    {
        var languages = System.Text.Json.Nodes.JsonNode.Parse(await cluster.App.Judge.GetStringAsync("/languages"))!.AsArray();

        var ids = languages.Select(l => l!["id"]!.GetValue<int>()).ToList();
        Assert.Contains(50, ids);
        Assert.Contains(71, ids);
        var c = languages.Single(l => l!["id"]!.GetValue<int>() == 50)!;
        Assert.Matches(@"^C \(GCC \d+\.\d+\.\d+\)$", c["name"]!.GetValue<string>());
    }
}
