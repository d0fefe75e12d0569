using System.Globalization;

namespace CodeRunner.Judge.Server.Http;

/// <summary>How Judge0 (Ruby/Rails) writes numbers and bytes, so clients parse ours the same way.</summary>
internal static class RubyText
{
    /// <summary>
    /// Rails renders a decimal column as a JSON string in plain notation with at least one
    /// fractional digit and no trailing zeros: 5 → "5.0", 0.0010 → "0.001".
    /// </summary>
    public static string Decimal(decimal value)
    {
        var text = value.ToString("0.############################", CultureInfo.InvariantCulture);
        return text.Contains('.') ? text : text + ".0";
    }

    /// <summary>A Ruby Float as a JSON number: 5 → 5.0 (decimal keeps the scale it is parsed with).</summary>
    public static decimal Float(decimal value) => decimal.Parse(Decimal(value), CultureInfo.InvariantCulture);

    /// <summary>Ruby's Base64.encode64: MIME style, a newline after every 60 characters and at the end.</summary>
    public static string Base64Mime(byte[] bytes)
    {
        var plain = Convert.ToBase64String(bytes);
        var builder = new StringBuilder(plain.Length + plain.Length / 60 + 1);
        for (var i = 0; i < plain.Length; i += 60)
        {
            builder.Append(plain, i, Math.Min(60, plain.Length - i)).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>
    /// Base64 with or without line breaks and padding. Ruby's decoder silently skips invalid
    /// characters and yields garbage; we refuse them instead (null).
    /// </summary>
    public static byte[]? FromBase64(string text)
    {
        var builder = new StringBuilder(text.Length + 3);
        foreach (var c in text)
        {
            if (c is ' ' or '\n' or '\r' or '\t')
            {
                continue;
            }
            builder.Append(c);
        }
        var trimmed = builder.ToString().TrimEnd('=');
        if (trimmed.Length % 4 == 1)
        {
            return null;
        }
        var padded = trimmed + new string('=', (4 - trimmed.Length % 4) % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>
    /// Ruby's String#split with a one-character separator: no trimming, empty parts between
    /// separators kept, trailing empty parts dropped ("a,,b," → a, "", b; "" → nothing).
    /// </summary>
    public static IReadOnlyList<string> Split(string text, char separator)
    {
        var parts = text.Split(separator);
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--;
        }
        return parts[..count];
    }

    /// <summary>
    /// Ruby's String#to_i: leading whitespace, a sign, digits (single underscores between them
    /// allowed), anything after ignored, no digits 0. Saturates where Ruby would grow a Bignum.
    /// </summary>
    public static long ToI(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
        {
            i++;
        }
        var negative = false;
        if (i < text.Length && text[i] is '-' or '+')
        {
            negative = text[i] == '-';
            i++;
        }
        long value = 0;
        for (; i < text.Length; i++)
        {
            if (text[i] == '_' && i > 0 && char.IsAsciiDigit(text[i - 1]) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                continue;
            }
            if (!char.IsAsciiDigit(text[i]))
            {
                break;
            }
            var digit = text[i] - '0';
            value = value > (long.MaxValue - digit) / 10 ? long.MaxValue : value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The bytes as text, or null when they are not valid UTF-8 (Judge0 answers 400 then).</summary>
    public static bool TryUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }
}
