using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LogSidecar.Text;

/// <summary>
/// Writes UTC times as RFC 3339 (<c>2026-11-23T10:00:01.250Z</c>) digit by digit: a custom .NET
/// format string is re-interpreted on every call, and this runs once per record. The date and time
/// of day of the last second written are kept: the records of one second share them, so only the
/// fraction is written digit by digit. One writer per output (not thread-safe).
/// </summary>
internal sealed class Rfc3339
{
    public const int MaxLength = 30;

    // yyyy-MM-ddTHH:mm:ss
    private const int SecondLength = 19;

    // Held in line, of a length the compiler knows, so copying it out is a few moves rather than a call.
    private SecondText _second;
    private long _secondTicks = -1;

    /// <summary>Writes <paramref name="time"/> with <paramref name="fractionDigits"/> (0-7) digits of fraction; returns bytes written.</summary>
    public int Write(DateTime time, int fractionDigits, Span<byte> output)
    {
        time = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
        var ticks = time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond);
        if (ticks != _secondTicks)
        {
            WriteSecond(time, _second);
            _secondTicks = ticks;
        }

        ((ReadOnlySpan<byte>)_second).CopyTo(output);
        var length = SecondLength;
        if (fractionDigits > 0)
        {
            output[length++] = (byte)'.';
            var fraction = (int)(time.Ticks % TimeSpan.TicksPerSecond);
            if (fractionDigits == 7)
            {
                // Parsed times keep all seven digits, once per record: the dot's place takes the leading 0 of eight, then the dot.
                BinaryPrimitives.WriteUInt64LittleEndian(output[(length - 1)..], EightDigits((uint)fraction));
                output[length - 1] = (byte)'.';
            }
            else
            {
                for (var i = 7; i > fractionDigits; i--)
                {
                    fraction /= 10;
                }

                Digits(output, length, fraction, fractionDigits);
            }

            length += fractionDigits;
        }

        output[length++] = (byte)'Z';
        return length;
    }

    private static void WriteSecond(DateTime time, Span<byte> output)
    {
        // One date computation instead of one per property; the time of day is plain arithmetic.
        time.Deconstruct(out var year, out var month, out var day);
        var seconds = (int)(time.Ticks / TimeSpan.TicksPerSecond % 86_400);
        Digits(output, 0, year, 4);
        output[4] = (byte)'-';
        Digits(output, 5, month, 2);
        output[7] = (byte)'-';
        Digits(output, 8, day, 2);
        output[10] = (byte)'T';
        Digits(output, 11, seconds / 3600, 2);
        output[13] = (byte)':';
        Digits(output, 14, seconds / 60 % 60, 2);
        output[16] = (byte)':';
        Digits(output, 17, seconds % 60, 2);
    }

    /// <summary>
    /// The 8 digits of <paramref name="value"/> (below 10^8) as ASCII, the first in the lowest byte:
    /// halves of 4 digits, then pairs, then digits, each step for all lanes of the number at once
    /// (a division by 100 or 10 is a multiply and a shift that stays within its lane for these values).
    /// </summary>
    private static ulong EightDigits(uint value)
    {
        var x = (value / 10_000) | ((ulong)(value % 10_000) << 32);
        var hundreds = ((x * 10_486) >> 20) & 0x0000_007F_0000_007F;
        x = hundreds | ((x - (hundreds * 100)) << 16);
        var tens = ((x * 103) >> 10) & 0x000F_000F_000F_000F;
        x = tens | ((x - (tens * 10)) << 8);
        return x + 0x3030_3030_3030_3030;
    }

    private static void Digits(Span<byte> output, int start, int value, int count)
    {
        for (var i = start + count - 1; i >= start; i--)
        {
            output[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    [InlineArray(SecondLength)]
    private struct SecondText
    {
        private byte _first;
    }
}
