using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Fuzz;

/// <summary>
/// Request bodies from a grammar of what the roles read: submissions, batches and settings with
/// well- and ill-typed values, then mutated at the byte level (cut short, bytes that are not
/// UTF-8 in a string or a name, \u escapes of half a surrogate pair, a name given twice, deep
/// nesting), plus forms, random bytes and bodies over the limits.
/// </summary>
internal sealed class JsonGrammar(Random random)
{
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Sources =
    [
        "print(1)", "", " \n\t", "import sys\nprint(sys.stdin.read())", "exit(3)", "print('x' * 100)", "raise SystemExit('no')",
        "int main(void) { return 0; }", "#include <stdio.h>\nint main(void) { puts(\"hi\"); }", "print(input())", "print('é✓\U0001F600')",
    ];

    private static readonly string[] SubmissionFields =
    [
        "source_code", "language_id", "stdin", "expected_output", "cpu_time_limit", "cpu_extra_time", "wall_time_limit",
        "memory_limit", "stack_limit", "max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
        "enable_per_process_and_thread_memory_limit", "max_file_size", "number_of_runs", "redirect_stderr_to_stdout",
        "enable_network", "compiler_options", "command_line_arguments", "callback_url", "additional_files",
    ];

    // Raw JSON text spliced in where a placeholder string stands: what a serializer cannot write.
    private readonly List<byte[]> _raw = [];

    public (byte[] Body, string ContentType) Next()
    {
        _raw.Clear();
        var pick = random.Next(100);
        return pick switch
        {
            < 34 => Json(Mutate(Serialize(Submission()))),
            < 44 => Json(Mutate(Serialize(new JsonObject { ["submissions"] = Batch() }))),
            < 54 => Json(Mutate(Serialize(Settings()))),
            < 62 => Json(Mutate(Serialize(Value(0)))),
            < 67 => Json(Deep()),
            < 77 => (Form(), "application/x-www-form-urlencoded"),
            < 83 => (Bytes(random.Next(1, 400)), One(["application/json", "application/octet-stream", "text/plain"])),
            < 88 => ([], One(["application/json", ""])),
            < 90 => Json(Large()),
            _ => Json(NotUtf8In(Serialize(Submission()))),
        };
    }

    private (byte[], string) Json(byte[] body) => (body, One([
        "application/json", "application/json", "application/json", "application/json; charset=utf-8", "application/problem+json",
        "", "text/json", "application/json; charset=latin1", "multipart/form-data; boundary=x",
    ]));

    public JsonObject Submission()
    {
        var item = new JsonObject();
        foreach (var field in SubmissionFields.Where(_ => random.Next(3) == 0))
        {
            item[field] = FieldValue(field);
        }
        if (random.Next(4) > 0)
        {
            item["source_code"] = FieldValue("source_code");
            item["language_id"] = FieldValue("language_id");
        }
        if (random.Next(8) == 0)
        {
            item[Text(random.Next(1, 12))] = Value(1);
        }
        return item;
    }

    private JsonNode Batch()
    {
        if (random.Next(8) == 0)
        {
            return Value(1) ?? JsonValue.Create(0);
        }
        var items = new JsonArray();
        for (var i = random.Next(0, 23); i > 0; i--)
        {
            items.Add(random.Next(10) == 0 ? Value(1) : Submission());
        }
        return items;
    }

    private JsonObject Settings()
    {
        var settings = new JsonObject();
        if (random.Next(2) == 0) { settings["theme"] = One<JsonNode?>(["dark", "light", "blue", "", null, 1]); }
        if (random.Next(2) == 0) { settings["font_size"] = One<JsonNode?>([14, 9, 33, 10, 32, "14", 14.5, -1, null]); }
        if (random.Next(2) == 0) { settings["key_map"] = One<JsonNode?>(["default", "vim", "emacs", "nano", null]); }
        if (random.Next(2) == 0) { settings["language_id"] = One<JsonNode?>([71, 0, -3, "71", 2147483647, null]); }
        if (random.Next(6) == 0) { settings[Text(6)] = Value(1); }
        return settings;
    }

    private JsonNode? FieldValue(string field) => field switch
    {
        "language_id" => One<JsonNode?>([71, 71, 71, 43, 50, 89, 0, -1, 99999, 1.5, "71", " 71", "abc", null, true, new JsonArray(71), Raw("2147483648"), Raw("7.1e1")]),
        "source_code" => random.Next(5) == 0 ? Text(random.Next(0, 80)) : One(Sources),
        "stdin" or "expected_output" => random.Next(2) == 0 ? Text(random.Next(0, 40)) : One<JsonNode?>(["1\n", "", null, "hi"]),
        "cpu_time_limit" or "cpu_extra_time" or "wall_time_limit" =>
            One<JsonNode?>([0, 0.5, 1, 2, 5, 15, 16, 21, -1, "2", "1.5", "abc", "", null, Raw("1e400"), Raw("-0"), 1e-7, false]),
        "memory_limit" or "stack_limit" or "max_file_size" =>
            One<JsonNode?>([0, 2048, 128000, 512000, 512001, -5, "64000", 1.5, null, Raw("99999999999999999999999")]),
        "max_processes_and_or_threads" or "number_of_runs" => One<JsonNode?>([0, 1, 2, 3, 20, 21, 60, 121, -1, "3", null]),
        "compiler_options" or "command_line_arguments" =>
            One<JsonNode?>(["-O2", "", "a\nb 'c d'", "$(id)", "x\u0000y", new string('o', 600), null, 5, Text(20)]),
        "callback_url" =>
            One<JsonNode?>(["http://127.0.0.1:1/cb", "http://10.0.0.1/x", "ftp://x", "not a url", "", "http://[::1]/", "http://localhost:1/", null, 3]),
        "additional_files" => One<JsonNode?>([
            Zip.Base64(("data.txt", "kept")),
            Zip.Base64(("data.txt", "first"), ("data.txt", "second")),
            Zip.Base64(("script.py", "print('zip')"), ("main.c", "int main(){}")),
            Zip.Base64(("run", "echo multi\n"), ("compile", "true\n")),
            Zip.Base64(("../evil", "x"), ("/abs", "y")),
            Convert.ToBase64String(Bytes(64)), "@@@", "", null, 7,
        ]),
        _ => One<JsonNode?>([true, false, "true", "yes", 1, 0, "t", null, "", new JsonObject()]),
    };

    private JsonNode? Value(int depth) => random.Next(depth > 3 ? 6 : 9) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => One<JsonNode?>([0, -1, 1, long.MaxValue, 1.5, decimal.MaxValue, Raw("1e400"), Raw("-0.0e-0")]),
        3 or 4 => Text(random.Next(0, 30)),
        5 => Raw(One(["\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\"", "\"\\/\\b\\f\\n\\r\\t\""])),
        6 => new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(depth + 1))]),
        _ => new JsonObject(Enumerable.Range(0, random.Next(0, 4)).Select(i => KeyValuePair.Create(One(SubmissionFields) + (i == 0 ? "" : i.ToString()), Value(depth + 1)))),
    };

    /// <summary>Any text: letters, JSON's special characters, controls, non-ASCII, emoji.</summary>
    private string Text(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(10) switch
            {
                < 5 => (char)random.Next('a', 'z' + 1),
                5 => One([' ', '"', '\\', '/', '{', '}', '[', ']', ',', ':']),
                6 => (char)random.Next(0, 32),
                7 => (char)random.Next(0x80, 0x800),
                8 => "✓",
                _ => "\U0001F600",
            });
        }
        return text.ToString();
    }

    private JsonNode Raw(string json)
    {
        _raw.Add(Encoding.UTF8.GetBytes(json));
        return JsonValue.Create($"@@raw{_raw.Count - 1}@@");
    }

    private byte[] Serialize(JsonNode? node)
    {
        var text = node?.ToJsonString(Unescaped) ?? "null";
        for (var i = _raw.Count - 1; i >= 0; i--)
        {
            text = text.Replace($"\"@@raw{i}@@\"", Encoding.UTF8.GetString(_raw[i]));
        }
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Most bodies as they are; the rest broken in one of the ways a client can break them.</summary>
    private byte[] Mutate(byte[] json) => random.Next(12) switch
    {
        0 when json.Length > 1 => json[..random.Next(1, json.Length)],
        1 or 2 => NotUtf8In(json),
        3 => Insert(json, Encoding.UTF8.GetBytes(One(["\"source_code\":\"print(2)\",", "\"language_id\":71,", "\"\\ud800\":1,", "\"a\":1,\"a\":2,"]))),
        4 when json.Length > 0 => Insert(json, [(byte)random.Next(256)], random.Next(json.Length)),
        _ => json,
    };

    /// <summary>Bytes that are not UTF-8 inside one of the body's strings or names (after its opening quote).</summary>
    private byte[] NotUtf8In(byte[] json)
    {
        var bad = NotUtf8.Bytes(One(["<FF>", "<C3 28>", "<ED A0 80>", "<C0 AF>", "<F8 88 80 80 80>", "<E2 82>", "<80>"]));
        var opening = new List<int>();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\' && inString)
            {
                i++;
            }
            else if (json[i] == '"')
            {
                if (!inString)
                {
                    opening.Add(i);
                }
                inString = !inString;
            }
        }
        return opening.Count == 0 ? [.. json, .. bad] : InsertAfter(json, opening[random.Next(opening.Count)], bad);
    }

    private static byte[] InsertAfter(byte[] json, int at, byte[] bytes) => [.. json[..(at + 1)], .. bytes, .. json[(at + 1)..]];

    /// <summary>After the first '{' (a member at the front), or at <paramref name="at"/>.</summary>
    private static byte[] Insert(byte[] json, byte[] bytes, int? at = null)
    {
        var where = at ?? Array.IndexOf(json, (byte)'{') + 1;
        return where <= 0 && at is null ? json : [.. json[..where], .. bytes, .. json[where..]];
    }

    private byte[] Deep()
    {
        var depth = One([15, 16, 17, 64, 65, 1000]);
        var open = random.Next(2) == 0 ? "{\"a\":" : "[";
        var close = open == "[" ? "]" : "}";
        return Encoding.UTF8.GetBytes("{\"submissions\":" + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}");
    }

    private byte[] Large() =>
        Encoding.UTF8.GetBytes($"{{\"language_id\":71,\"source_code\":\"{new string('a', One([70_000, 1024 * 1024, 2 * 1024 * 1024]))}\"}}");

    private byte[] Form()
    {
        var pairs = new List<string>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var key = random.Next(3) switch
            {
                0 => One(SubmissionFields),
                1 => $"submissions[][{One(SubmissionFields)}]",
                _ => One(["submissions[]", "a[b]", "", "%FF", "language_id[]"]),
            };
            var value = random.Next(3) == 0 ? One(["%FF", "%C3%28", "%", "%%", "+", "71"]) : Uri.EscapeDataString(FieldValue(key.Contains("language_id") ? "language_id" : "source_code")?.ToJsonString() ?? "");
            pairs.Add($"{Uri.EscapeDataString(key)}={value}");
        }
        return Encoding.UTF8.GetBytes(string.Join(random.Next(5) == 0 ? ";" : "&", pairs));
    }

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private T One<T>(IReadOnlyList<T> choices) => choices[random.Next(choices.Count)];
}
