using System.Globalization;
using System.Text;

namespace OpenLedger.ML.Attribution.Records;

/// <summary>
/// Writes JSON in the JSON Canonicalization Scheme (RFC 8785, JCS), so any JCS library re-derives the same bytes from
/// the same values: no whitespace; object members sorted by their names' UTF-16 code units; strings escaped only where
/// JSON requires it (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>, other control characters as lowercase <c>\u00xx</c>),
/// everything else as literal UTF-8; numbers as ECMAScript writes them (the shortest digits that round-trip to the same
/// double, plain notation for 1e-6 &lt;= |x| &lt; 1e21, otherwise <c>d.ddde±x</c>).
/// </summary>
internal sealed class CanonicalJsonWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly StringBuilder _text = new();

    /// <summary>An object whose members are written in sorted order whatever order they are given in.</summary>
    public CanonicalJsonWriter Object(params (string Name, Action<CanonicalJsonWriter> Value)[] members)
    {
        _text.Append('{');
        var first = true;
        foreach (var (name, value) in members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (!first) _text.Append(',');
            first = false;
            String(name);
            _text.Append(':');
            value(this);
        }
        _text.Append('}');
        return this;
    }

    public CanonicalJsonWriter Array<T>(IEnumerable<T> items, Action<CanonicalJsonWriter, T> item)
    {
        _text.Append('[');
        var first = true;
        foreach (var x in items)
        {
            if (!first) _text.Append(',');
            first = false;
            item(this, x);
        }
        _text.Append(']');
        return this;
    }

    public CanonicalJsonWriter Null()
    {
        _text.Append("null");
        return this;
    }

    public CanonicalJsonWriter Integer(long value)
    {
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public CanonicalJsonWriter Number(double value)
    {
        _text.Append(FormatNumber(value));
        return this;
    }

    public CanonicalJsonWriter String(string value)
    {
        _text.Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\b': _text.Append("\\b"); break;
                case '\f': _text.Append("\\f"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                case < ' ': _text.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: _text.Append(ch); break;
            }
        }
        _text.Append('"');
        return this;
    }

    /// <summary>The UTF-8 bytes; a string holding a lone surrogate (not text) is refused.</summary>
    public byte[] ToUtf8()
    {
        try
        {
            return StrictUtf8.GetBytes(_text.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new InvalidAttributionRecordException(RecordFault.BadValue, $"a string is not valid Unicode text: {e.Message}");
        }
    }

    /// <summary>ECMAScript's Number::toString for a finite double: .NET's "R" gives the shortest round-trip digits, which
    /// are re-laid out in ECMAScript's notation. Zero of either sign is "0".</summary>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity");
        if (value == 0) return "0";
        if (value < 0) return "-" + FormatNumber(-value);
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? r : r[..e];
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        // value = 0.digits × 10^n.
        var n = (point < 0 ? mantissa.Length : point) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..].TrimEnd('0');
        n -= lead;
        var k = digits.Length;
        if (k <= n && n <= 21) return digits + new string('0', n - k);
        if (0 < n && n <= 21) return digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0) return "0." + new string('0', -n) + digits;
        var exp = n - 1;
        var sign = exp < 0 ? "-" : "+";
        return (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + sign + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
    }
}
