using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LogSidecar.Text;

/// <summary>
/// Makes arbitrary bytes valid UTF-8 without losing any: every byte that is not part of a
/// well-formed sequence becomes its own U+FFFD, so the count of bad bytes survives and nothing
/// is silently deleted or guessed at.
/// </summary>
internal static class Utf8Sanitizer
{
    private static ReadOnlySpan<byte> Replacement => [0xEF, 0xBF, 0xBD];

    /// <summary>Worst case growth: one bad byte becomes three.</summary>
    public static int MaxOutputLength(int inputLength) => checked(inputLength * 3);

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/>, replacing bad bytes. Returns bytes written.</summary>
    public static int Sanitize(ReadOnlySpan<byte> input, Span<byte> output, out int replaced)
    {
        replaced = 0;
        var written = 0;
        while (!input.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(input, out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                input[..consumed].CopyTo(output[written..]);
                written += consumed;
            }
            else
            {
                // Replace only the first byte: the next one may start a valid sequence.
                consumed = 1;
                Replacement.CopyTo(output[written..]);
                written += Replacement.Length;
                replaced++;
            }

            input = input[consumed..];
        }

        return written;
    }

    public static bool IsValid(ReadOnlySpan<byte> input) => Utf8.IsValid(input);

    /// <summary>The largest cut point at or below <paramref name="limit"/> that does not split a character.</summary>
    public static int CharacterCut(ReadOnlySpan<byte> text, int limit)
    {
        if (limit >= text.Length)
        {
            return text.Length;
        }

        var cut = limit;
        while (cut > 0 && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }
}
