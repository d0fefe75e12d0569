using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// Reads one submission's params the way Rails casts them: scalars only (an object or array is
/// not permitted, i.e. absent), "5" and 5 alike, "" as absent, booleans per ActiveModel.
/// </summary>
internal sealed class SubmissionParams(JsonObject values)
{
    public string? String(string name) => values[name] is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.Number => v.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    } : null;

    public bool Has(string name) => !string.IsNullOrEmpty(String(name));

    /// <summary>Absent → null; not a number → NotANumber (Rails: "is not a number").</summary>
    public decimal? Number(string name, out bool notANumber)
    {
        notANumber = false;
        if (values[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            notANumber = true;
            return null;
        }
        var text = String(name)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        notANumber = true;
        return null;
    }

    /// <summary>ActiveModel's integer cast: leading digits count, anything else is 0; absent is null.</summary>
    public int? Integer(string name)
    {
        if (values[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetValueKind() == JsonValueKind.True ? 1 : 0;
        }
        var text = String(name)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d is > int.MaxValue or < int.MinValue ? 0 : (int)decimal.Truncate(d);
        }
        var end = text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return int.TryParse(text[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : 0;
    }

    /// <summary>ActiveModel's boolean cast: false, 0, "0", "f", "false", "off" (any case of those) are false.</summary>
    public bool? Boolean(string name)
    {
        if (values[name] is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Number: return v.ToJsonString() is not ("0" or "0.0");
            }
        }
        var text = String(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return text is not ("0" or "f" or "F" or "false" or "FALSE" or "False" or "off" or "OFF" or "Off");
    }
}
