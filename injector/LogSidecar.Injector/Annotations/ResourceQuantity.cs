using System.Globalization;
using System.Text.RegularExpressions;

namespace LogSidecar.Injector.Annotations;

/// <summary>Parses Kubernetes resource quantities (<c>250m</c>, <c>1.5</c>, <c>64Mi</c>, <c>1e3</c>) into their value.</summary>
internal static partial class ResourceQuantity
{
    /// <summary>True when <paramref name="text"/> is a valid quantity; <paramref name="value"/> is in base units (cores, bytes).</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var match = Syntax().Match(text);
        if (!match.Success
            || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var suffix = match.Groups["suffix"].Value;
        decimal multiplier;
        if (suffix.Length > 1 && (suffix[0] is 'e' or 'E'))
        {
            if (!int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) || exponent is < -18 or > 18)
            {
                return false;
            }

            multiplier = Pow10(exponent);
        }
        else
        {
            multiplier = suffix switch
            {
                "" => 1m,
                "n" => 1e-9m,
                "u" => 1e-6m,
                "m" => 1e-3m,
                "k" => 1e3m,
                "M" => 1e6m,
                "G" => 1e9m,
                "T" => 1e12m,
                "P" => 1e15m,
                "E" => 1e18m,
                "Ki" => 1024m,
                "Mi" => 1024m * 1024,
                "Gi" => 1024m * 1024 * 1024,
                "Ti" => 1024m * 1024 * 1024 * 1024,
                "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
                "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
                _ => -1m,
            };
            if (multiplier < 0)
            {
                return false;
            }
        }

        value = number * multiplier;
        return true;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result *= 10;
        }

        return exponent < 0 ? 1 / result : result;
    }

    [GeneratedRegex(@"^(?<number>[+-]?(\d+(\.\d*)?|\.\d+))(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
